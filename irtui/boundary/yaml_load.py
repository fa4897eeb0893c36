"""The one YAML reader: policy, config, status-page settings, catalog, schedules, drill
scenarios and runbook front matter all come through `load_yaml`.

What it refuses, before anything is built from the file:
- **aliases and anchors** (`&a` / `*a`): the "billion laughs" bomb is a few hundred bytes of
  aliases that expand to gigabytes; no irtui file needs them;
- files larger than `max_bytes`, nesting deeper than `max_depth`, non-UTF-8 bytes;
- duplicate keys in one mapping (YAML silently keeps the last one: a classic config bug);
- tags other than the standard scalars/collections (SafeLoader's rule).
Every refusal is a `YamlError` naming `source:line`. Mappings come back as `LineDict`, which
remembers the line of each key so validators can say where a bad value is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from irtui.boundary.errors import YamlError

MAX_BYTES = 1_000_000
MAX_DEPTH = 32

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A dict that remembers the 1-based line of itself (`line`) and of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


def line_of(container: Any, key: Any = None) -> int | None:
    """The line of `key` in a mapping loaded here (or of the mapping itself), else None."""
    if isinstance(container, LineDict):
        return container.line_of(key) if key is not None else container.line
    return None


def _scan(text: str, source: str, max_depth: int, line_offset: int) -> None:
    """Walk the parser's events (cheap, in C with libyaml) and refuse what must not be
    constructed: aliases and anchors, excessive depth, duplicate scalar keys."""
    depth = 0
    # One frame per open collection: for mappings, the keys seen and whether a key is next.
    frames: list[tuple[bool, set[str], list[bool]]] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = event.start_mark.line + 1 + line_offset if event.start_mark else None
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise YamlError(
                    source,
                    line,
                    "YAML anchors and aliases (&name, *name) are "
                    "not accepted in irtui files; write the value out",
                )
            is_key = False
            if frames and frames[-1][0]:
                expect = frames[-1][2]
                is_key = expect[0]
                expect[0] = not expect[0]
            if isinstance(event, yaml.ScalarEvent):
                if is_key:
                    keys = frames[-1][1]
                    if event.value in keys:
                        raise YamlError(source, line, f"duplicate key {event.value!r}")
                    keys.add(event.value)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > max_depth:
                    raise YamlError(source, line, f"nested deeper than {max_depth} levels")
                frames.append((isinstance(event, yaml.MappingStartEvent), set(), [True]))
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
                frames.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        raise YamlError(source, line, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(source, None, f"invalid YAML: {exc}") from None


def _decode(text: str | bytes, source: str, max_bytes: int, line_offset: int) -> str:
    if isinstance(text, bytes):
        if len(text) > max_bytes:
            raise YamlError(
                source, None, f"file is {len(text):,} bytes; the limit is {max_bytes:,}"
            )
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = text[: exc.start].count(b"\n") + 1 + line_offset
            raise YamlError(source, line, "not UTF-8 text") from None
    if len(text) > max_bytes:
        raise YamlError(
            source, None, f"file is {len(text):,} characters; the limit is {max_bytes:,}"
        )
    return text


def _line_loader(source: str, line_offset: int) -> type:
    """A SafeLoader subclass whose mappings are `LineDict`s (duplicate keys refused)."""

    class Loader(_Loader):  # type: ignore[misc,valid-type]
        pass

    def construct_mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
        loader.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1 + line_offset
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlError(
                    source,
                    key_node.start_mark.line + 1 + line_offset,
                    "a mapping key must be a plain value",
                ) from None
            if key in result:
                raise YamlError(
                    source, key_node.start_mark.line + 1 + line_offset, f"duplicate key {key!r}"
                )
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1 + line_offset
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


def load_yaml(
    text: str | bytes,
    source: str = "<yaml>",
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    line_offset: int = 0,
) -> Any:
    """Parse YAML text safely (see the module docstring). `line_offset` shifts reported lines
    (front matter starts below the `---` of a Markdown file)."""
    text = _decode(text, source, max_bytes, line_offset)
    _scan(text, source, max_depth, line_offset)
    Loader = _line_loader(source, line_offset)
    try:
        return yaml.load(text, Loader=Loader)  # a SafeLoader subclass: safe tags only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        raise YamlError(source, line, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(source, None, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlError(source, None, f"nested deeper than {max_depth} levels") from None


def load_yaml_file(
    path: str | Path, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> Any:
    """Read and parse a YAML file; unreadable files are a `YamlError` naming the path. The
    size is checked before the file is read in full."""
    import stat

    p = Path(path)
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            raise YamlError(str(p), None, "not a regular file")
        size = st.st_size
        if size > max_bytes:
            raise YamlError(str(p), None, f"file is {size:,} bytes; the limit is {max_bytes:,}")
        data = p.read_bytes()
    except OSError as exc:
        raise YamlError(str(p), None, f"cannot read: {exc.strerror or exc}") from None
    return load_yaml(data, str(p), max_bytes=max_bytes, max_depth=max_depth)


def load_yaml_all(
    text: str | bytes,
    source: str = "<yaml>",
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> list[Any]:
    """Every document of a multi-document stream (`---` between them: Backstage's
    catalog-info.yaml), with the same refusals and `LineDict` mappings as `load_yaml`."""
    text = _decode(text, source, max_bytes, 0)
    _scan(text, source, max_depth, 0)
    try:
        return [doc for doc in yaml.load_all(text, Loader=_line_loader(source, 0))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(
            source, mark.line + 1 if mark else None, f"invalid YAML: {exc.problem or exc}"
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(source, None, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlError(source, None, f"nested deeper than {max_depth} levels") from None


def read_bounded(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """A file's bytes, refusing one larger than `max_bytes` before reading it (`YamlError`
    naming the path, like every other refusal of a file irtui reads)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise YamlError(str(p), None, f"file is {size:,} bytes; the limit is {max_bytes:,}")
        return p.read_bytes()
    except OSError as exc:
        raise YamlError(str(p), None, f"cannot read: {exc.strerror or exc}") from None


def load_yaml_file_all(
    path: str | Path, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> list[Any]:
    """`load_yaml_all` of a file (size checked before it is read)."""
    return load_yaml_all(
        read_bounded(path, max_bytes), str(path), max_bytes=max_bytes, max_depth=max_depth
    )
