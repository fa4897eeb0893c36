"""The severity policy: what each SEV level promises (ack deadline, update cadence per
audience, required roles) and the scope x impact matrix used to pick a level.

Also what resolving asks: the resolution checklist (`resolution.checklist`) and, per level, the
time in *monitoring* before an incident may be resolved (`monitoring_hold`).

Read by the one YAML reader (`boundary.yaml_load`: no aliases, bounded size and depth, line
numbers on every mapping key), so a malformed policy is reported as `file:line: what is wrong`
— the person editing it at 3 a.m. needs the line, not a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from irtui.boundary.errors import YamlError
from irtui.domain.model import Audience, normalise_role

SCOPES = ("wide", "medium", "limited")
IMPACTS = ("high", "medium", "low")
_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$")


class PolicyError(YamlError):
    """A policy file is malformed. `str()` is `file:line: message`."""


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One question asked before resolving (`id` is what `--checked` names)."""

    id: str
    text: str


DEFAULT_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("service_restored", "Service restored"),
    ChecklistItem("metrics_normalised", "Metrics back to normal"),
    ChecklistItem("impact_ended", "User-facing impact has ended"),
    ChecklistItem("monitoring_in_place", "Monitoring in place to catch a recurrence"),
    ChecklistItem("mitigations_documented", "Temporary mitigations documented"),
)
"""The seeds' resolution checklist: asked when a policy file does not say otherwise."""
_ITEM_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


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
    monitoring_hold_s: int | None = None
    """Time in *monitoring* the policy asks for before this level may be resolved."""

    @property
    def label(self) -> str:
        return f"SEV{self.severity}"


@dataclass(frozen=True, slots=True)
class Policy:
    levels: dict[int, Level]
    matrix: dict[str, dict[str, int]]
    source: str = "<bundled>"
    checklist: tuple[ChecklistItem, ...] = DEFAULT_CHECKLIST

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
        if value > MAX_DURATION_S:
            raise ValueError(f"{value} s is more than a year; the limit is 366d")
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
    return _bounded(seconds)


MAX_DURATION_S = 366 * 86400
"""No promise in a policy is further out than a year: a bigger number is a typo (or an attack:
`ack_within: 99999999999999d` overflowed every clock that read it)."""


def _bounded(seconds: int) -> int:
    if seconds > MAX_DURATION_S:
        raise ValueError(f"{seconds} s is more than a year; the limit is 366d")
    return seconds


def _line_of(mapping: Any, key: Any) -> int | None:
    from irtui.boundary.yaml_load import line_of

    return line_of(mapping, key)


def _sev_number(raw: Any) -> int | None:
    text = str(raw).strip().upper()
    if text.startswith("SEV"):
        text = text[3:]
    return int(text) if text.isdigit() else None


def parse_policy(text: str | bytes, source: str = "<policy>") -> Policy:
    """Parse and validate policy YAML text. Raises PolicyError naming the line."""
    from irtui.boundary.yaml_load import load_yaml  # PyYAML: only when a policy is read

    try:
        data = load_yaml(text, source)
    except YamlError as exc:
        raise PolicyError(exc.source, exc.line, exc.message) from None
    return _parse_data(data, source)


def _parse_data(data: Any, source: str) -> Policy:
    """Validate policy data read by the one YAML reader (mappings are `LineDict`s)."""
    if not isinstance(data, dict):
        raise PolicyError(source, 1, "the policy must be a mapping with `levels:` and `matrix:`")

    def fail(container: Any, key: Any, message: str) -> PolicyError:
        return PolicyError(source, _line_of(container, key), message)

    known_top = {"version", "levels", "matrix", "resolution"}
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
        "monitoring_hold",
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
        try:
            hold = parse_duration(spec.get("monitoring_hold"))
        except ValueError as exc:
            raise fail(spec, "monitoring_hold", f"SEV{number} monitoring_hold: {exc}") from None
        if hold is not None and hold > 86400:
            raise fail(spec, "monitoring_hold", f"SEV{number} monitoring_hold: at most 1d")
        levels[number] = Level(
            severity=number,
            name=str(spec["name"]),
            description=str(spec.get("description") or ""),
            examples=tuple(str(e) for e in examples),
            ack_within_s=ack,
            cadence_s=cadence,
            required_roles=required,
            backlog=backlog,
            monitoring_hold_s=hold,
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
    checklist = _checklist(data, source)
    return Policy(levels=levels, matrix=matrix, source=source, checklist=checklist)


def _checklist(data: Any, source: str) -> tuple[ChecklistItem, ...]:
    """`resolution: {checklist: {id: question, ...}}`; absent means the seeds' checklist,
    `checklist: {}` asks nothing."""
    if "resolution" not in data:
        return DEFAULT_CHECKLIST
    section = data["resolution"]
    if not isinstance(section, dict):
        raise PolicyError(source, _line_of(data, "resolution"), "`resolution:` must be a mapping")
    for key in section:
        if key != "checklist":
            raise PolicyError(
                source, _line_of(section, key), f"unknown key {key!r} in resolution (checklist)"
            )
    raw = section.get("checklist")
    if raw is None:
        return DEFAULT_CHECKLIST
    if not isinstance(raw, dict):
        raise PolicyError(
            source,
            _line_of(section, "checklist"),
            "resolution.checklist must map an id (e.g. service_restored) to its question",
        )
    items = []
    for key, text in raw.items():
        if not isinstance(key, str) or not _ITEM_ID.match(key):
            raise PolicyError(
                source,
                _line_of(raw, key),
                f"checklist id {key!r} must be lower-case letters, digits and _",
            )
        if not isinstance(text, str) or not text.strip() or "\n" in text.strip():
            raise PolicyError(source, _line_of(raw, key), f"checklist {key}: one line of text")
        if len(text) > 200:
            raise PolicyError(source, _line_of(raw, key), f"checklist {key}: at most 200 chars")
        items.append(ChecklistItem(key, text.strip()))
    return tuple(items)


def load_policy(path: Path | str | None = None) -> Policy:
    """Load a policy file; with no path, the bundled default."""
    import stat

    from irtui import paths
    from irtui.boundary.yaml_load import MAX_BYTES

    file = Path(path) if path else paths.default_policy_file()
    try:
        st = file.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block, a device never end
            raise PolicyError(str(file), None, "not a regular file")
        if st.st_size > MAX_BYTES:  # refused before it is read in full
            raise PolicyError(str(file), None, f"file is larger than {MAX_BYTES:,} bytes")
        data = file.read_bytes()
    except FileNotFoundError:
        raise PolicyError(str(file), None, "policy file not found") from None
    except OSError as exc:
        raise PolicyError(str(file), None, f"cannot read policy: {exc.strerror or exc}") from None
    return parse_policy(data, str(file))


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
