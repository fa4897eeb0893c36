"""Front matter parsing: YAML (`---`) and Hugo's TOML (`+++`).

Runbooks are written by many hands, so a broken header must never hide the runbook: the body is
still loaded and searchable, and the problem is reported as `file:line: why` with the line
counted in the *file*, not in the YAML snippet (yaml's `problem_mark` is relative to the text we
hand it, so we add the offset of the opening fence).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from irtui.boundary.errors import YamlError
from irtui.boundary.yaml_load import load_yaml

MAX_FRONT_MATTER_BYTES = 64 * 1024
"""A header bigger than this is not a runbook's metadata; refused (the body still loads)."""

_YAML_OPEN = re.compile(r"---[ \t]*")
_YAML_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")
_TOML_FENCE = re.compile(r"\+\+\+[ \t]*")
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(slots=True)
class FrontMatter:
    """The result of splitting a document into header data and Markdown body.

    `body_start_line` is the 1-based file line where `body` begins, so later passes (links,
    steps) can report file line numbers too. `problems` holds `(line, message)` pairs.
    """

    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_start_line: int = 1
    format: str = ""
    problems: list[tuple[int, str]] = field(default_factory=list)


def split_front_matter(text: str) -> FrontMatter:
    """Split `text` into front matter data and body; never raises on bad input.

    A file that does not start with a fence has no front matter. An opening fence that is never
    closed is reported and the whole file is treated as body (better to show too much than to
    hide a runbook during an incident).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if not lines:
        return FrontMatter(body="")
    first = lines[0].rstrip("\r\n")
    if _YAML_OPEN.fullmatch(first):
        return _split(lines, _YAML_CLOSE, "yaml")
    if _TOML_FENCE.fullmatch(first):
        return _split(lines, _TOML_FENCE, "toml")
    return FrontMatter(body=text)


def _split(lines: list[str], closer: re.Pattern[str], fmt: str) -> FrontMatter:
    for index in range(1, len(lines)):
        if closer.fullmatch(lines[index].rstrip("\r\n")):
            header = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            result = FrontMatter(body=body, body_start_line=index + 2, format=fmt)
            if len(header) > MAX_FRONT_MATTER_BYTES:
                result.problems.append(
                    (1, f"front matter is {len(header):,} characters; the limit is "
                        f"{MAX_FRONT_MATTER_BYTES:,} (ignored)")
                )  # fmt: skip
                return result
            # The header's first line is file line 2 (line 1 is the opening fence).
            data, problem = _parse_yaml(header, 1) if fmt == "yaml" else _parse_toml(header, 1)
            result.data = data
            if problem is not None:
                result.problems.append(problem)
            return result
    fence = "---" if fmt == "yaml" else "+++"
    return FrontMatter(
        body="".join(lines),
        format=fmt,
        problems=[(1, f"front matter opened with '{fence}' but never closed")],
    )


def _parse_yaml(header: str, offset: int) -> tuple[dict[str, Any], tuple[int, str] | None]:
    """Through the one YAML reader: aliases (the 700-byte "billion laughs" bomb), deep
    nesting, duplicate keys and oversized headers are refused in microseconds, `file:line`."""
    try:
        data = load_yaml(
            header, "front matter", max_bytes=MAX_FRONT_MATTER_BYTES, line_offset=offset
        )
    except YamlError as exc:
        why = " ".join(exc.message.split("\n")[0].split()).removeprefix("invalid YAML: ")
        return {}, (exc.line or offset + 1, f"invalid YAML front matter: {why}")
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. absurd dates
        return {}, (offset + 1, f"invalid YAML front matter: {exc}")
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        kind = type(data).__name__
        return {}, (offset + 1, f"front matter must be a mapping of keys, got {kind}")
    return {str(key): value for key, value in data.items()}, None


def _parse_toml(header: str, offset: int) -> tuple[dict[str, Any], tuple[int, str] | None]:
    """Hugo sites often use TOML front matter; stdlib tomllib reads it, so we honour it."""
    try:
        return tomllib.loads(header), None
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        line = offset + int(match.group(1)) if match else offset + 1
        return {}, (line, f"invalid TOML front matter: {exc}")
