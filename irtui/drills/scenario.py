"""Scenarios: what a drill plays, checked before anyone is in the room.

A scenario file (YAML, read only through `irtui.boundary.yaml_load`) looks like this:

    id: db-connection-exhaustion
    title: Checkout failing, database connections exhausted
    tests: [cadence]                  # the part of the process it exercises
    briefing: |
      You are on call for checkout. It is a normal Tuesday afternoon.
    severity: {start: 2, expected: 1, hint: hidden}   # or just `severity: 2`
    services: [checkout, postgres]
    runbooks: [database-connection-exhaustion]
    injects:
      - id: page
        at: +0m                       # on the drill clock, from the start
        kind: alert
        text: "PagerDuty: PostgresTooManyConnections on orders-db (198/200)"
      - id: pool-metrics
        after: ack                    # once a fact is true (see irtui/drills/facts.py)
        delay: +1m
        kind: metric
        text: pgbouncer cl_waiting 340, avg wait 8 s
      - id: vp-asks
        if: no exec update by +20m    # only when the team has not done it in time
        kind: exec_message
        text: "VP Eng in #incidents: is checkout down? Sales is asking."
      - id: what-changed
        kind: clue                    # handed out only when the players ask
        ask: What changed recently?
        text: Deploy 5120 at 13:55 raised pool_size from 10 to 40 on 6 replicas.
    answer_key:                       # hidden from the players; the debrief scores it
      severity: 1
      mitigate_by: +25m
      expect:
        - {fact: update statuspage, by: +15m}
      decisions:
        - {text: Roll back deploy 5120, keywords: [roll back, rollback, revert]}

Validation collects every problem with its `file:line` (unknown keys and kinds, an unknown
trigger, timed injects out of order, a reference to an unknown inject or runbook, text that is
too long) and raises one `ScenarioError`; the CLI prints them and exits 2.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from irtui.boundary.errors import BoundaryError, TextRefused
from irtui.boundary.text_in import clean_input
from irtui.boundary.yaml_load import line_of, load_yaml, load_yaml_file
from irtui.domain.model import EntryKind
from irtui.drills.facts import FactError, fact_text, parse_fact, runbook_of
from irtui.drills.offsets import format_offset, parse_offset


@dataclass(frozen=True, slots=True)
class InjectKind:
    label: str
    entry_kind: str
    """How the inject reads on the players' timeline (an alert is a detection ...)."""


INJECT_KINDS: dict[str, InjectKind] = {
    "alert": InjectKind("alert", EntryKind.DETECTION),
    "customer_report": InjectKind("customer report", EntryKind.COMMUNICATION),
    "metric": InjectKind("metric", EntryKind.NOTE),
    "exec_message": InjectKind("exec message", EntryKind.COMMUNICATION),
    "failed_mitigation": InjectKind("failed mitigation", EntryKind.NOTE),
    "news": InjectKind("news", EntryKind.NOTE),
    "clue": InjectKind("clue", EntryKind.NOTE),
}
KIND_ALIASES = {
    "customer": "customer_report",
    "report": "customer_report",
    "metric_reading": "metric",
    "reading": "metric",
    "exec": "exec_message",
    "slack": "exec_message",
    "message": "exec_message",
    "mitigation_failed": "failed_mitigation",
    "fact": "clue",
}
IMPROVISED_KIND = "improvised"
SEVERITY_HINTS = ("shown", "hidden")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_UNLESS = re.compile(r"^no\s+(?P<fact>.+?)\s+by\s+(?P<by>\+\S+)$", re.IGNORECASE)
_TOP_KEYS = {
    "id",
    "title",
    "briefing",
    "severity",
    "services",
    "runbooks",
    "tests",
    "injects",
    "answer_key",
}
_INJECT_KEYS = {"id", "kind", "text", "at", "after", "delay", "if", "ask", "service", "runbook"}
_KEY_KEYS = {"severity", "mitigate_by", "expect", "decisions", "actions"}


class ScenarioError(BoundaryError):
    """A scenario irtui will not play: every problem found, each as `file:line: message`."""

    def __init__(self, source: str, problems: list[tuple[int | None, str]]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(
            "\n".join(
                f"{source}:{line}: {msg}" if line else f"{source}: {msg}" for line, msg in problems
            )
        )


_WORDS = re.compile(r"\w+", re.UNICODE)


def stems(text: str) -> list[str]:
    """The text's words, lower-cased and stemmed (Snowball, English)."""
    import snowballstemmer

    return snowballstemmer.stemmer("english").stemWords(_WORDS.findall(text.lower()))


def normalise_kind(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    key = KIND_ALIASES.get(key, key)
    return key if key in INJECT_KINDS else None


@dataclass(frozen=True, slots=True)
class Inject:
    """One thing the facilitator plays: at an offset, after a fact, if a fact is late, or
    (a clue) only when the players ask."""

    id: str
    kind: str
    text: str
    at_s: int | None = None
    after: str | None = None
    delay_s: int = 0
    unless: str | None = None
    by_s: int | None = None
    ask: str = ""
    service: str | None = None
    runbook: str | None = None
    line: int = 0

    @property
    def label(self) -> str:
        return INJECT_KINDS[self.kind].label if self.kind in INJECT_KINDS else self.kind

    @property
    def entry_kind(self) -> str:
        found = INJECT_KINDS.get(self.kind)
        return str(found.entry_kind) if found else str(EntryKind.NOTE)

    @property
    def on_ask(self) -> bool:
        return self.kind == "clue"

    def when_text(self) -> str:
        """`+4m`, `after ack +1m`, `if no update by +20m`, `when asked`."""
        if self.at_s is not None:
            return format_offset(self.at_s)
        if self.after is not None:
            delay = f" {format_offset(self.delay_s)}" if self.delay_s else ""
            return f"after {fact_text(self.after)}{delay}"
        if self.unless is not None:
            return f"if no {fact_text(self.unless)} by {format_offset(self.by_s or 0)}"
        return "when asked"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "text": self.text}
        if self.at_s is not None:
            out["at"] = format_offset(self.at_s)
        if self.after is not None:
            out["after"] = fact_text(self.after)
            if self.delay_s:
                out["delay"] = format_offset(self.delay_s)
        if self.unless is not None:
            out["if"] = f"no {fact_text(self.unless)} by {format_offset(self.by_s or 0)}"
        for key in ("ask", "service", "runbook"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True, slots=True)
class Expectation:
    fact: str
    by_s: int | None = None
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fact": fact_text(self.fact)}
        if self.by_s is not None:
            out["by"] = format_offset(self.by_s)
        return out


@dataclass(frozen=True, slots=True)
class KeyItem:
    """A decision or action the team should come to; matched by any keyword in a typed
    decision/action entry (case-insensitive), so the debrief can say it was found or not."""

    text: str
    keywords: tuple[str, ...] = ()
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "keywords": list(self.keywords)}

    def matches(self, text: str) -> bool:
        """Any keyword's words, stemmed, appear in order in the text's stemmed words
        ("roll back" matches "rolled back", "terminate" matches "terminated the sessions");
        a keyword with no words in it (`[/`) is looked for as it is written."""
        said = stems(text)
        for keyword in self.keywords or (self.text,):
            wanted = stems(keyword)
            if not wanted:
                if keyword.strip() and keyword.strip().lower() in text.lower():
                    return True
                continue
            n = len(wanted)
            if any(said[i : i + n] == wanted for i in range(len(said) - n + 1)):
                return True
        return False


@dataclass(frozen=True, slots=True)
class AnswerKey:
    severity: int | None = None
    mitigate_by_s: int | None = None
    expect: tuple[Expectation, ...] = ()
    decisions: tuple[KeyItem, ...] = ()
    actions: tuple[KeyItem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.severity is not None:
            out["severity"] = self.severity
        if self.mitigate_by_s is not None:
            out["mitigate_by"] = format_offset(self.mitigate_by_s)
        for name in ("expect", "decisions", "actions"):
            items = getattr(self, name)
            if items:
                out[name] = [i.to_dict() for i in items]
        return out


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: str
    briefing: str = ""
    severity: int = 2
    expected_severity: int = 2
    severity_hint: str = "shown"
    services: tuple[str, ...] = ()
    runbooks: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()
    injects: tuple[Inject, ...] = ()
    answer_key: AnswerKey = field(default_factory=AnswerKey)
    source: str = "<scenario>"
    notices: tuple[str, ...] = ()
    """What the text boundary took out of the file's text (shown by `drill validate`)."""

    def inject(self, inject_id: str) -> Inject | None:
        return next((i for i in self.injects if i.id == inject_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The scenario as YAML-able data: stored in the drill's `drill_started` event (so
        every seat and every restart plays the very script that was started) and written
        by `irtui drill from`. `parse_scenario(to_dict())` gives it back."""
        out: dict[str, Any] = {"id": self.id, "title": self.title}
        if self.tests:
            out["tests"] = list(self.tests)
        if self.briefing:
            out["briefing"] = self.briefing
        out["severity"] = {
            "start": self.severity,
            "expected": self.expected_severity,
            "hint": self.severity_hint,
        }
        if self.services:
            out["services"] = list(self.services)
        if self.runbooks:
            out["runbooks"] = list(self.runbooks)
        out["injects"] = [i.to_dict() for i in self.injects]
        key = self.answer_key.to_dict()
        if key:
            out["answer_key"] = key
        return out

    def runbook_refs(self) -> list[tuple[str, int]]:
        """Every runbook the scenario names, with the line it is named on."""
        refs = [(r, 0) for r in self.runbooks]
        refs += [(i.runbook, i.line) for i in self.injects if i.runbook]
        for fact_key, line in (
            *((i.after, i.line) for i in self.injects if i.after),
            *((i.unless, i.line) for i in self.injects if i.unless),
            *((e.fact, e.line) for e in self.answer_key.expect),
        ):
            rid = runbook_of(fact_key or "")
            if rid:
                refs.append((rid, line))
        return refs


# --- parsing -------------------------------------------------------------------------------


class _Checker:
    """Collects problems with their lines instead of stopping at the first one."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[tuple[int | None, str]] = []
        self.notices: list[str] = []

    def fail(self, line: int | None, message: str) -> None:
        self.problems.append((line or None, message))

    def text(
        self,
        value: object,
        what: str,
        line: int | None,
        *,
        field: str = "entry",
        required: bool = True,
    ) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(line, f"{what} is missing")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(line, f"{what} must be text")
            return ""
        try:
            cleaned = clean_input(str(value), what=what, field=field, multiline=field != "title")
        except TextRefused as exc:
            self.fail(line, str(exc))
            return ""
        self.notices.extend(f"{self.source}:{line}: {n}" for n in cleaned.notices)
        return cleaned.text.strip() if field == "title" else cleaned.text.rstrip()

    def offset(self, value: object, what: str, line: int | None) -> int | None:
        try:
            return parse_offset(value)
        except ValueError as exc:
            self.fail(line, f"{what}: {exc}")
            return None

    def fact(self, value: object, what: str, line: int | None) -> str | None:
        try:
            return parse_fact(value)
        except (FactError, ValueError) as exc:
            self.fail(line, f"{what}: {exc}")
            return None

    def names(self, value: object, what: str, line: int | None) -> tuple[str, ...]:
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            self.fail(line, f"{what} must be a list of names")
            return ()
        out = []
        for item in items:
            name = self.text(item, what, line, field="name", required=False).strip()
            if name:
                out.append(name)
        return tuple(dict.fromkeys(out))

    def unknown_keys(self, data: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                self.fail(
                    line_of(data, key),
                    f"unknown key {key!r} in {where} (known: {', '.join(sorted(allowed))})",
                )


def _severity(c: _Checker, data: dict[str, Any]) -> tuple[int, int, str]:
    raw = data.get("severity", 2)
    line = line_of(data, "severity")

    def level(value: object, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            c.fail(line, f"{what} must be a severity 1..9 (SEV1 is the worst)")
            return 2
        text = str(value).strip().upper().removeprefix("SEV")
        if not text.isdigit() or not 1 <= int(text) <= 9:
            c.fail(line, f"{what} must be a severity 1..9, not {value!r}")
            return 2
        return int(text)

    if isinstance(raw, dict):
        c.unknown_keys(raw, {"start", "expected", "hint"}, "severity")
        start = level(raw.get("start", 2), "severity.start")
        expected = level(raw.get("expected", start), "severity.expected")
        hint = str(raw.get("hint", "shown")).strip().lower()
        if hint not in SEVERITY_HINTS:
            c.fail(line_of(raw, "hint"), "severity.hint must be shown or hidden")
            hint = "shown"
        return start, expected, hint
    start = level(raw, "severity")
    return start, start, "shown"


def _inject(c: _Checker, raw: object, index: int, list_line: int | None) -> Inject | None:
    if not isinstance(raw, dict):
        c.fail(list_line, f"inject #{index + 1} must be a mapping (id, kind, text, at|after|if)")
        return None
    line = line_of(raw) or list_line or 0
    c.unknown_keys(raw, _INJECT_KEYS, f"inject #{index + 1}")
    iid = str(raw.get("id") or f"inject-{index + 1}").strip()
    if not _ID.match(iid):
        c.fail(line_of(raw, "id"), f"inject id {iid!r}: use lower-case letters, digits, - and _")
    kind = normalise_kind(raw.get("kind"))
    if kind is None:
        c.fail(
            line_of(raw, "kind"),
            f"inject {iid!r}: unknown kind {raw.get('kind')!r} "
            f"(one of {', '.join(k.replace('_', ' ') for k in INJECT_KINDS)})",
        )
        kind = "alert"
    text = c.text(raw.get("text"), f"inject {iid!r} text", line_of(raw, "text"))
    timings = [k for k in ("at", "after", "if") if k in raw]
    at_s = after = unless = by_s = None
    delay_s = 0
    if kind == "clue":
        if timings:
            c.fail(
                line_of(raw, timings[0]),
                f"inject {iid!r} is a clue: it is handed out when the players ask, "
                f"so it has no `{timings[0]}:` (give it an `ask:` question instead)",
            )
    elif len(timings) != 1:
        c.fail(
            line,
            f"inject {iid!r} needs exactly one of `at: +4m`, `after: FACT` or "
            f"`if: no FACT by +20m` (it has {len(timings) or 'none'})",
        )
    elif timings[0] == "at":
        at_s = c.offset(raw["at"], f"inject {iid!r} at", line_of(raw, "at"))
    elif timings[0] == "after":
        after = c.fact(
            raw["after"],
            f"inject {iid!r}: unknown trigger `after: {raw['after']}`",
            line_of(raw, "after"),
        )
    else:
        cond = raw["if"]
        match = _UNLESS.match(cond.strip()) if isinstance(cond, str) else None
        if not match:
            c.fail(
                line_of(raw, "if"),
                f"inject {iid!r}: unknown trigger `if: {cond}` (write `if: no FACT by +20m`, "
                "e.g. `if: no update by +20m`)",
            )
        else:
            unless = c.fact(
                match["fact"], f"inject {iid!r}: unknown trigger `if: {cond}`", line_of(raw, "if")
            )
            by_s = c.offset(match["by"], f"inject {iid!r} if", line_of(raw, "if"))
    if "delay" in raw:
        if after is None and "after" not in raw:
            c.fail(line_of(raw, "delay"), f"inject {iid!r}: `delay:` goes with `after:`")
        else:
            delay_s = c.offset(raw["delay"], f"inject {iid!r} delay", line_of(raw, "delay")) or 0
    ask = c.text(raw.get("ask"), f"inject {iid!r} ask", line_of(raw, "ask"), required=False)
    service = c.text(
        raw.get("service"),
        f"inject {iid!r} service",
        line_of(raw, "service"),
        field="name",
        required=False,
    )
    runbook = c.text(
        raw.get("runbook"),
        f"inject {iid!r} runbook",
        line_of(raw, "runbook"),
        field="name",
        required=False,
    )
    return Inject(
        id=iid,
        kind=kind,
        text=text,
        at_s=at_s,
        after=after,
        delay_s=delay_s,
        unless=unless,
        by_s=by_s,
        ask=ask.strip(),
        service=service.strip() or None,
        runbook=runbook.strip() or None,
        line=line,
    )


def _items(c: _Checker, raw: object, what: str, line: int | None) -> tuple[KeyItem, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        c.fail(line, f"answer_key.{what} must be a list")
        return ()
    out = []
    for entry in raw:
        if isinstance(entry, str):
            entry = {"text": entry}
        if not isinstance(entry, dict):
            c.fail(line, f"answer_key.{what}: each item is text or {{text, keywords}}")
            continue
        item_line = line_of(entry) or line
        c.unknown_keys(entry, {"text", "keywords"}, f"answer_key.{what}")
        text = c.text(entry.get("text"), f"answer_key.{what} text", item_line)
        keywords = c.names(entry.get("keywords"), f"answer_key.{what} keywords", item_line)
        out.append(KeyItem(text, keywords, item_line or 0))
    return tuple(out)


def _answer_key(c: _Checker, data: dict[str, Any]) -> AnswerKey:
    raw = data.get("answer_key")
    if raw is None:
        return AnswerKey()
    line = line_of(data, "answer_key")
    if not isinstance(raw, dict):
        c.fail(line, "answer_key must be a mapping (severity, mitigate_by, expect, decisions)")
        return AnswerKey()
    c.unknown_keys(raw, _KEY_KEYS, "answer_key")
    severity = None
    if "severity" in raw:
        value = str(raw["severity"]).strip().upper().removeprefix("SEV")
        if value.isdigit() and 1 <= int(value) <= 9:
            severity = int(value)
        else:
            c.fail(line_of(raw, "severity"), "answer_key.severity must be a severity 1..9")
    mitigate = None
    if "mitigate_by" in raw:
        mitigate = c.offset(
            raw["mitigate_by"], "answer_key.mitigate_by", line_of(raw, "mitigate_by")
        )
    expect = []
    raw_expect = raw.get("expect") or []
    if not isinstance(raw_expect, list):
        c.fail(line_of(raw, "expect"), "answer_key.expect must be a list of {fact, by}")
        raw_expect = []
    for entry in raw_expect:
        if isinstance(entry, str):
            entry = {"fact": entry}
        if not isinstance(entry, dict):
            c.fail(line_of(raw, "expect"), "answer_key.expect: each item is {fact: ..., by: +Nm}")
            continue
        item_line = line_of(entry) or line_of(raw, "expect")
        c.unknown_keys(entry, {"fact", "by"}, "answer_key.expect")
        fact = c.fact(entry.get("fact"), "answer_key.expect: unknown fact", item_line)
        by = c.offset(entry["by"], "answer_key.expect by", item_line) if "by" in entry else None
        if fact:
            expect.append(Expectation(fact, by, item_line or 0))
    return AnswerKey(
        severity=severity,
        mitigate_by_s=mitigate,
        expect=tuple(expect),
        decisions=_items(c, raw.get("decisions"), "decisions", line_of(raw, "decisions")),
        actions=_items(c, raw.get("actions"), "actions", line_of(raw, "actions")),
    )


def parse_scenario(
    data: Any,
    source: str = "<scenario>",
    *,
    default_id: str = "scenario",
    known_runbooks: Collection[str] | None = None,
) -> Scenario:
    """A validated `Scenario` from loaded YAML, or `ScenarioError` listing every problem.
    `known_runbooks` (ids): every runbook the scenario names must be one of them."""
    c = _Checker(source)
    if not isinstance(data, dict):
        raise ScenarioError(source, [(None, "a scenario is a mapping (title, briefing, injects)")])
    c.unknown_keys(data, _TOP_KEYS, "the scenario")
    sid = str(data.get("id") or default_id).strip()
    if not _ID.match(sid):
        c.fail(line_of(data, "id"), f"id {sid!r}: use lower-case letters, digits, - and _")
    title = c.text(data.get("title"), "title", line_of(data, "title") or 1, field="title")
    briefing = c.text(
        data.get("briefing"), "briefing", line_of(data, "briefing"), field="body", required=False
    )
    start, expected, hint = _severity(c, data)
    services = c.names(data.get("services"), "services", line_of(data, "services"))
    runbooks = c.names(data.get("runbooks"), "runbooks", line_of(data, "runbooks"))
    tests = c.names(data.get("tests"), "tests", line_of(data, "tests"))
    raw_injects = data.get("injects")
    injects: list[Inject] = []
    if not isinstance(raw_injects, list) or not raw_injects:
        c.fail(line_of(data, "injects") or 1, "a scenario needs a list of injects")
        raw_injects = []
    for index, raw in enumerate(raw_injects):
        inject = _inject(c, raw, index, line_of(data, "injects"))
        if inject is not None:
            injects.append(inject)
    key = _answer_key(c, data)
    scenario = Scenario(
        id=sid,
        title=title,
        briefing=briefing,
        severity=start,
        expected_severity=key.severity or expected,
        severity_hint=hint,
        services=services,
        runbooks=runbooks,
        tests=tests,
        injects=tuple(injects),
        answer_key=key,
        source=source,
        notices=tuple(c.notices),
    )
    _check_references(c, scenario, known_runbooks)
    if c.problems:
        raise ScenarioError(source, c.problems)
    return scenario


def _check_references(
    c: _Checker, scenario: Scenario, known_runbooks: Collection[str] | None
) -> None:
    ids = [i.id for i in scenario.injects]
    seen: set[str] = set()
    for inject in scenario.injects:
        if inject.id in seen:
            c.fail(inject.line, f"inject id {inject.id!r} is used twice")
        seen.add(inject.id)
    last: Inject | None = None
    for inject in scenario.injects:
        if inject.at_s is None:
            continue
        if last is not None and last.at_s is not None and inject.at_s < last.at_s:
            c.fail(
                inject.line,
                f"inject {inject.id!r} at {format_offset(inject.at_s)} comes after "
                f"{last.id!r} at {format_offset(last.at_s)}: list timed injects in time order",
            )
        last = inject
    for inject in scenario.injects:
        for key in (inject.after, inject.unless):
            head, _, arg = (key or "").partition(" ")
            if head == "inject" and arg not in ids:
                c.fail(inject.line, f"inject {inject.id!r} waits for unknown inject {arg!r}")
            elif head == "inject" and arg == inject.id:
                c.fail(inject.line, f"inject {inject.id!r} waits for itself")
    for exp in scenario.answer_key.expect:
        head, _, arg = exp.fact.partition(" ")
        if head == "inject" and arg not in ids:
            c.fail(exp.line, f"answer_key.expect names unknown inject {arg!r}")
    if known_runbooks is not None:
        known = set(known_runbooks)
        short = {k.rsplit("/", 1)[-1] for k in known}
        for rid, line in scenario.runbook_refs():
            if rid not in known and rid not in short:
                near = sorted(k for k in short if rid.split("-")[0] in k)[:3]
                hint = f"; did you mean {', '.join(near)}?" if near else ""
                c.fail(line or None, f"unknown runbook {rid!r} (not in the runbook library{hint})")


def load_scenario(path: str | Path, *, known_runbooks: Collection[str] | None = None) -> Scenario:
    """Read and validate a scenario file (YAML errors and scenario problems: file:line)."""
    p = Path(path)
    data = load_yaml_file(p)
    return parse_scenario(data, str(p), default_id=_default_id(p), known_runbooks=known_runbooks)


def scenario_from_text(
    text: str, source: str = "<scenario>", *, known_runbooks: Collection[str] | None = None
) -> Scenario:
    return parse_scenario(load_yaml(text, source), source, known_runbooks=known_runbooks)


def scenario_from_dict(data: dict[str, Any]) -> Scenario:
    """The scenario stored in a drill's `drill_started` event (validated when it was started;
    re-validated here without the runbook check: a runbook removed since is not an error)."""
    return parse_scenario(data, "<stored scenario>", default_id=str(data.get("id") or "scenario"))


def _default_id(path: Path) -> str:
    stem = re.sub(r"[^a-z0-9_-]+", "-", path.stem.lower()).strip("-")
    return stem or "scenario"


def timed(injects: Iterable[Inject]) -> list[Inject]:
    return [i for i in injects if i.at_s is not None]
