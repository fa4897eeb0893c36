"""The severity policy: what each SEV level promises (ack deadline, update cadence per
audience, required roles) and the scope x impact matrix used to pick a level.

Loaded from YAML with line numbers kept on every mapping key, so a malformed policy is reported
as `file:line: what is wrong` — the person editing it at 3 a.m. needs the line, not a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from irtui.domain.model import Audience, normalise_role

SCOPES = ("wide", "medium", "limited")
IMPACTS = ("high", "medium", "low")
_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$")


class PolicyError(ValueError):
    """A policy file is malformed. `str()` is `file:line: message`."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Level:
    severity: int
    name: str
    description: str = ""
    examples: tuple[str, ...] = ()
    ack_within_s: int | None = None
    cadence_s: dict[str, int] = field(default_factory=dict)
    required_roles: tuple[str, ...] = ()
    backlog: bool = False

    @property
    def label(self) -> str:
        return f"SEV{self.severity}"


@dataclass(frozen=True, slots=True)
class Policy:
    levels: dict[int, Level]
    matrix: dict[str, dict[str, int]]
    source: str = "<bundled>"

    def level(self, severity: int) -> Level:
        try:
            return self.levels[severity]
        except KeyError:
            raise ValueError(f"severity must be one of {sorted(self.levels)}") from None

    def classify(self, scope: str, impact: str) -> int:
        """The SEV for a scope (wide/medium/limited) and impact (high/medium/low)."""
        try:
            return self.matrix[scope][impact]
        except KeyError:
            raise ValueError(
                f"scope must be one of {', '.join(SCOPES)} and impact one of {', '.join(IMPACTS)}"
            ) from None


def parse_duration(value: Any) -> int | None:
    """`15m` -> 900. Integers are seconds; None/`null`/`none` mean "no clock"."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a duration cannot be true/false")
    if isinstance(value, int):
        if value <= 0:
            raise ValueError("a duration must be positive")
        return value
    text = str(value).strip().lower()
    if text in ("", "none", "null", "never", "off"):
        return None
    match = _DURATION.match(text)
    if not match or not any(match.groups()):
        raise ValueError(f"{value!r} is not a duration (use e.g. 30s, 15m, 1h, 1d)")
    d, h, m, s = (int(g) if g else 0 for g in match.groups())
    seconds = d * 86400 + h * 3600 + m * 60 + s
    if seconds <= 0:
        raise ValueError("a duration must be positive")
    return seconds


# --- YAML with line numbers -------------------------------------------------------------


class _LineDict(dict):
    """A dict that remembers the 1-based line of each key (and of itself)."""

    line: int = 0
    key_lines: dict[Any, int]


def _load_yaml_with_lines(text: str, source: str) -> Any:
    import yaml

    # libyaml's parser when PyYAML has it (about 10x faster; its nodes carry the same
    # marks), the pure-Python one otherwise. Either way only safe tags are constructed.
    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _LineDict:
        loader.flatten_mapping(node)
        result = _LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise PolicyError(
                    source, key_node.start_mark.line + 1, "a mapping key must be a plain value"
                ) from None
            if key in result:
                raise PolicyError(source, key_node.start_mark.line + 1, f"duplicate key {key!r}")
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    try:
        return yaml.load(text, Loader=Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PolicyError(source, line, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise PolicyError(source, None, f"invalid YAML: {exc}") from None


def _line_of(mapping: Any, key: Any) -> int | None:
    if isinstance(mapping, _LineDict):
        return mapping.key_lines.get(key, mapping.line)
    return None


def _sev_number(raw: Any) -> int | None:
    text = str(raw).strip().upper()
    if text.startswith("SEV"):
        text = text[3:]
    return int(text) if text.isdigit() else None


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    """Parse and validate policy YAML text. Raises PolicyError naming the line."""
    data = _load_yaml_with_lines(text, source)
    if not isinstance(data, dict):
        raise PolicyError(source, 1, "the policy must be a mapping with `levels:` and `matrix:`")

    def fail(container: Any, key: Any, message: str) -> PolicyError:
        return PolicyError(source, _line_of(container, key), message)

    known_top = {"version", "levels", "matrix"}
    for key in data:
        if key not in known_top:
            raise fail(data, key, f"unknown key {key!r} (expected one of {sorted(known_top)})")
    raw_levels = data.get("levels")
    if not isinstance(raw_levels, dict) or not raw_levels:
        raise fail(data, "levels", "`levels:` must map SEV1..SEV4 to their settings")

    levels: dict[int, Level] = {}
    audiences = {a.value for a in Audience}
    level_keys = {
        "name",
        "description",
        "examples",
        "ack_within",
        "updates",
        "required_roles",
        "backlog",
    }
    for raw_key, spec in raw_levels.items():
        number = _sev_number(raw_key)
        if number is None or not 1 <= number <= 9:
            raise fail(raw_levels, raw_key, f"level {raw_key!r} is not SEV1..SEV9")
        if number in levels:
            raise fail(raw_levels, raw_key, f"SEV{number} is defined twice")
        if not isinstance(spec, dict):
            raise fail(raw_levels, raw_key, f"SEV{number} must be a mapping")
        for key in spec:
            if key not in level_keys:
                raise fail(spec, key, f"unknown key {key!r} in SEV{number}")
        if "name" not in spec or not str(spec["name"]).strip():
            raise PolicyError(source, _line_of(raw_levels, raw_key), f"SEV{number} needs a name")
        try:
            ack = parse_duration(spec.get("ack_within"))
        except ValueError as exc:
            raise fail(spec, "ack_within", f"SEV{number} ack_within: {exc}") from None
        updates = spec.get("updates") or {}
        if not isinstance(updates, dict):
            raise fail(spec, "updates", f"SEV{number} updates must map audience -> duration")
        cadence: dict[str, int] = {}
        for audience, raw in updates.items():
            if audience not in audiences:
                raise fail(
                    updates,
                    audience,
                    f"unknown audience {audience!r} (expected {', '.join(sorted(audiences))})",
                )
            try:
                seconds = parse_duration(raw)
            except ValueError as exc:
                raise fail(updates, audience, f"SEV{number} updates.{audience}: {exc}") from None
            if seconds is not None:
                cadence[audience] = seconds
        roles = spec.get("required_roles") or []
        if not isinstance(roles, list):
            raise fail(spec, "required_roles", "required_roles must be a list")
        try:
            required = tuple(normalise_role(str(r)) for r in roles)
        except ValueError as exc:  # an empty name, or a typo of a standard role (`comander`)
            raise fail(spec, "required_roles", f"SEV{number} required_roles: {exc}") from None
        examples = spec.get("examples") or []
        if not isinstance(examples, list):
            raise fail(spec, "examples", "examples must be a list")
        backlog = spec.get("backlog", False)
        if not isinstance(backlog, bool):
            raise fail(spec, "backlog", "backlog must be true or false")
        levels[number] = Level(
            severity=number,
            name=str(spec["name"]),
            description=str(spec.get("description") or ""),
            examples=tuple(str(e) for e in examples),
            ack_within_s=ack,
            cadence_s=cadence,
            required_roles=required,
            backlog=backlog,
        )
    expected = list(range(1, len(levels) + 1))
    if sorted(levels) != expected:
        raise fail(data, "levels", f"levels must be SEV1..SEV{len(levels)} with no gaps")

    raw_matrix = data.get("matrix")
    if not isinstance(raw_matrix, dict):
        raise fail(data, "matrix", "`matrix:` must map scope -> impact -> severity")
    matrix: dict[str, dict[str, int]] = {}
    for scope in SCOPES:
        row = raw_matrix.get(scope)
        if not isinstance(row, dict):
            raise fail(raw_matrix, scope, f"matrix needs a `{scope}:` row of high/medium/low")
        matrix[scope] = {}
        for impact in IMPACTS:
            if impact not in row:
                raise fail(raw_matrix, scope, f"matrix.{scope} is missing `{impact}`")
            sev = _sev_number(row[impact])
            if sev not in levels:
                raise fail(row, impact, f"matrix.{scope}.{impact}: {row[impact]!r} is not a level")
            matrix[scope][impact] = sev
    for scope in raw_matrix:
        if scope not in SCOPES:
            raise fail(raw_matrix, scope, f"unknown scope {scope!r} (expected {', '.join(SCOPES)})")
    return Policy(levels=levels, matrix=matrix, source=source)


def load_policy(path: Path | str | None = None) -> Policy:
    """Load a policy file; with no path, the bundled default."""
    from irtui import paths

    file = Path(path) if path else paths.default_policy_file()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(str(file), None, "policy file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(file), None, f"cannot read policy: {exc}") from None
    return parse_policy(text, str(file))


def resolve_policy_path(explicit: str | None) -> Path | None:
    """--policy FILE, else $IRTUI_POLICY, else the user's config policy.yaml if present."""
    import os

    from irtui import paths

    if explicit:
        return Path(explicit)
    env = os.environ.get("IRTUI_POLICY")
    if env:
        return Path(env)
    user = paths.user_policy_file()
    return user if user.is_file() else None
