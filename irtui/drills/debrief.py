"""The scored debrief: how the team did against the policy, the scenario's answer key and the
industry's benchmarks, and what it missed — each miss a ready-made action item.

Every figure is computed from the drill incident's events on the drill clock (times are
offsets from the drill's start, `+4m10s`), so the debrief of a drill played at `--speed 60`
reads as if it had been played in real time. What is scored:
- time to acknowledge (acknowledged − detected) against the seeds' benchmarks: MTTA top
  quartile 3 min, median 10 min; and the policy's ack deadline;
- time to name an IC, and to fill every role the policy requires at the final severity;
- updates on cadence, per audience: the first one, and every gap (declaration → update → … →
  end) against the audience's cadence (`domain.metrics.update_gaps`);
- the hand-off protocol: every hand-over offered with a brief and accepted by the incoming
  person; a role re-assigned straight over, or an offer never accepted, is not followed;
- runbooks opened (pinned) and steps ticked, against the scenario's runbooks;
- time to mitigate against the answer key's `mitigate_by`; the severity reached against the
  expected one; each `expect:` fact (reached, and by when); each decision/action of the key
  found in the team's typed entries (by keyword);
- the injects: played, skipped, not reached; a conditional inject that fired (`if: no exec
  update by +15m`) is itself a miss; clues asked for;
- what the drill *would* have sent (the drill sink).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from irtui.domain.metrics import ack_within_deadline, update_gaps
from irtui.domain.model import Event, EventKind, Role, role_label
from irtui.domain.timeutil import fmt_duration, iso
from irtui.drills.engine import FIRED, MOOT, NOT_REACHED, ON_ASK, SKIPPED
from irtui.drills.facts import describe_fact, fact_times
from irtui.drills.offsets import format_offset
from irtui.drills.runner import DrillView

MTTA_TOP_QUARTILE_S = 180
MTTA_MEDIAN_S = 600
"""The seeds' benchmarks (the same figures as `irtui.review.report.INDUSTRY`; a test keeps
them equal)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """Something the team missed, and the action item that would fix it."""

    key: str
    text: str
    action: str
    type: str = "document"  # prevent | detect | mitigate | document (action item types)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "text": self.text, "action": self.action, "type": self.type}


@dataclass(frozen=True, slots=True)
class Figure:
    """One scored line: a measured duration (seconds from the drill's start, or a span)
    against a target, and the verdict."""

    key: str
    label: str
    value_s: float | None
    target: str
    verdict: str

    @property
    def shown(self) -> str:
        return "—" if self.value_s is None else fmt_duration(self.value_s)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "seconds": self.value_s,
            "target": self.target,
            "verdict": self.verdict,
        }


@dataclass(slots=True)
class Debrief:
    incident_id: str
    title: str
    scenario_id: str | None
    tests: tuple[str, ...]
    started: datetime
    ended: datetime | None
    drill_now: datetime
    figures: list[Figure] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    handoffs: list[dict[str, Any]] = field(default_factory=list)
    runbooks: list[dict[str, Any]] = field(default_factory=list)
    expectations: list[dict[str, Any]] = field(default_factory=list)
    answer_key: list[dict[str, Any]] = field(default_factory=list)
    injects: list[dict[str, Any]] = field(default_factory=list)
    improvised: int = 0
    clues: tuple[int, int] = (0, 0)
    would_have_sent: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "title": self.title,
            "scenario": self.scenario_id,
            "tests": list(self.tests),
            "started": iso(self.started),
            "ended": iso(self.ended),
            "drill_now": iso(self.drill_now),
            "benchmarks": {
                "mtta_top_quartile_s": MTTA_TOP_QUARTILE_S,
                "mtta_median_s": MTTA_MEDIAN_S,
            },
            "figures": [f.to_dict() for f in self.figures],
            "updates": self.updates,
            "handoffs": self.handoffs,
            "runbooks": self.runbooks,
            "expectations": self.expectations,
            "answer_key": self.answer_key,
            "injects": self.injects,
            "improvised": self.improvised,
            "clues": {"asked": self.clues[0], "available": self.clues[1]},
            "would_have_sent": self.would_have_sent,
            "findings": [f.to_dict() for f in self.findings],
        }


def _off(start: datetime, at: datetime | None) -> str:
    return "—" if at is None else format_offset((at - start).total_seconds())


def _secs(start: datetime, at: datetime | None) -> float | None:
    return None if at is None else (at - start).total_seconds()


def mtta_verdict(seconds: float | None) -> str:
    if seconds is None:
        return "not acknowledged"
    if seconds <= MTTA_TOP_QUARTILE_S:
        return "top quartile"
    return "better than median" if seconds <= MTTA_MEDIAN_S else "worse than median"


def build_debrief(
    v: DrillView,
    *,
    required_roles: tuple[str, ...] = (),
    sink: list[dict[str, Any]] | None = None,
) -> Debrief:
    """Score a drill (pure: the caller reads the store). `required_roles`: the policy's
    roles for the drill's final severity; `sink`: the drill's outbox messages."""
    inc, events = v.incident, v.events
    scenario = v.scenario
    start = v.state.started if v.state else inc.declared_at
    end = inc.milestones.get("resolved")
    upto = end or v.now
    facts = fact_times(inc, events)
    d = Debrief(
        incident_id=inc.id,
        title=inc.title,
        scenario_id=scenario.id if scenario else None,
        tests=scenario.tests if scenario else (),
        started=start,
        ended=end,
        drill_now=v.now,
    )
    missed: list[Finding] = []
    service = (inc.services or ["the service"])[0]

    # --- acknowledge ------------------------------------------------------------------
    detected = inc.milestones.get("detected") or start
    acked = inc.milestones.get("acknowledged")
    tta = None if acked is None else (acked - detected).total_seconds()
    verdict = mtta_verdict(tta)
    in_time = ack_within_deadline(inc, upto)
    if in_time is False:
        verdict += ", after the ack deadline"
    d.figures.append(
        Figure(
            "tta",
            "Time to acknowledge",
            tta,
            f"top quartile {fmt_duration(MTTA_TOP_QUARTILE_S)}, "
            f"median {fmt_duration(MTTA_MEDIAN_S)}",
            verdict,
        )
    )
    if tta is None or tta > MTTA_MEDIAN_S:
        missed.append(
            Finding(
                "fact:ack",
                "Never acknowledged"
                if tta is None
                else f"Acknowledged after {fmt_duration(tta)} (industry median 10m)",
                f"Shorten the page-to-ack path for {service} (drill {inc.id} took "
                f"{'—' if tta is None else fmt_duration(tta)})",
                "detect",
            )
        )

    # --- roles ------------------------------------------------------------------------
    ic_at = facts.get(f"role {Role.COMMANDER}")
    d.figures.append(
        Figure(
            "ic",
            "Time to name an IC",
            _secs(start, ic_at),
            "within the ack window",
            "named" if ic_at else "never named",
        )
    )
    if ic_at is None:
        missed.append(
            Finding(
                f"fact:role {Role.COMMANDER}",
                "No incident commander was named",
                "Make naming an IC the first step of the declare checklist",
                "document",
            )
        )
    filled = {r: facts.get(f"role {r}") for r in required_roles}
    empty = [r for r, at in filled.items() if at is None]
    roles_at = max((at for at in filled.values() if at), default=None) if not empty else None
    d.figures.append(
        Figure(
            "roles",
            "Time to fill the required roles",
            _secs(start, roles_at) if required_roles else None,
            ", ".join(role_label(r) for r in required_roles) or "none required",
            "all filled"
            if required_roles and not empty
            else (
                "none required"
                if not required_roles
                else "missing: " + ", ".join(role_label(r) for r in empty)
            ),
        )
    )
    for role in empty:
        if role == Role.COMMANDER and ic_at is None:
            continue
        missed.append(
            Finding(
                f"fact:role {role}",
                f"{role_label(role)} was never named (required at SEV{inc.severity})",
                f"Add a {role_label(role)} to the {service} on-call rota",
                "document",
            )
        )

    # --- updates on cadence -----------------------------------------------------------
    times: dict[str, list[datetime]] = {}
    for e in events:
        if e.kind == EventKind.UPDATE_SENT:
            times.setdefault(str(e.payload.get("audience", "internal")), []).append(e.at)
    gaps = update_gaps(inc, times, upto)
    for audience in sorted(set(inc.cadence_s) | set(times)):
        cadence = inc.cadence_s.get(audience)
        mine = [(g, c) for a, g, c in gaps if a == audience]
        if end is None and mine and mine[-1][0] <= mine[-1][1]:
            mine = mine[:-1]  # the gap still running and not yet over: not decided
        late = [g for g, c in mine if g > c]
        first = min(times.get(audience, []), default=None)
        d.updates.append(
            {
                "audience": audience,
                "cadence_s": cadence,
                "sent": len(times.get(audience, [])),
                "first_at": _off(start, first),
                "gaps": len(mine),
                "on_cadence": len(mine) - len(late),
                "worst_gap_s": max((g for g, _ in mine), default=None),
            }
        )
        if late and cadence:
            missed.append(
                Finding(
                    f"cadence:{audience}",
                    f"{audience} updates fell behind: {len(late)} of {len(mine)} gaps over the "
                    f"{fmt_duration(cadence)} cadence (worst {fmt_duration(max(late))})",
                    f"Give the Comms Lead a {fmt_duration(cadence)} {audience}-update timer "
                    "from the first minute",
                    "document",
                )
            )

    # --- hand-offs --------------------------------------------------------------------
    offers: dict[str, dict[str, Any]] = {}
    for e in events:
        p = e.payload
        if e.kind == EventKind.HANDOFF_ACCEPTED and p["role"] in offers:
            offer = offers.pop(p["role"])
            offer["accepted_at"] = _off(start, e.at)
            offer["followed"] = offer["brief"]
        elif e.kind == EventKind.ROLE_HANDED_OFF:
            record = {
                "role": p["role"],
                "from": p.get("from"),
                "to": p.get("to"),
                "offered_at": _off(start, e.at),
                "direct": not p.get("pending"),
                "brief": bool(p.get("pending")) and bool(str(p.get("brief") or "").strip()),
                "accepted_at": None,
                "followed": False,
            }
            d.handoffs.append(record)
            if p.get("pending"):
                offers[p["role"]] = record
    for h in d.handoffs:
        if h["followed"]:
            continue
        if h["direct"]:
            why = "was reassigned straight over (no brief, no acceptance)"
        elif h["accepted_at"] is None:
            why = "was offered but never accepted"
        else:
            why = "was accepted without a brief"
        missed.append(
            Finding(
                f"handoff:{h['role']}:{h['offered_at']}",
                f"{role_label(h['role'])} hand-off {h['from']} → {h['to']} {why}",
                "Practise the hand-off protocol: offer with a brief, the incoming person accepts",
                "document",
            )
        )

    # --- runbooks ---------------------------------------------------------------------
    wanted = list(scenario.runbooks) if scenario else []
    seen: dict[str, dict[str, Any]] = {}
    for e in events:
        p = e.payload
        rid = str(p.get("runbook") or "")
        if e.kind not in (EventKind.RUNBOOK_PINNED, EventKind.RUNBOOK_STEP) or not rid:
            continue
        row = seen.setdefault(
            rid,
            {"runbook": rid, "opened_at": _off(start, e.at), "steps_total": None, "ticked": {}},
        )
        if e.kind == EventKind.RUNBOOK_PINNED:
            row["steps_total"] = p.get("steps", row["steps_total"])
        else:
            row["steps_total"] = p.get("total", row["steps_total"])
            number = p.get("step", p.get("number"))
            if isinstance(number, int):
                row["ticked"][number] = bool(p.get("done", p.get("checked", True)))
    for rid in [*wanted, *(r for r in seen if r not in wanted)]:
        row = seen.get(rid)
        ticked = sum(row["ticked"].values()) if row else 0
        d.runbooks.append(
            {
                "runbook": rid,
                "expected": rid in wanted,
                "opened_at": row["opened_at"] if row else None,
                "steps_ticked": ticked,
                "steps_total": row["steps_total"] if row else None,
            }
        )
        if rid in wanted and row is None:
            missed.append(
                Finding(
                    f"fact:runbook {rid}",
                    f"Runbook {rid} was never opened",
                    f"Link runbook {rid} from the alerts that page for {service}",
                    "document",
                )
            )
        elif rid in wanted and ticked == 0:
            missed.append(
                Finding(
                    f"runbook-steps:{rid}",
                    f"Runbook {rid} was opened but no step was ticked",
                    f"Review runbook {rid}: are its steps the ones the team actually needed?",
                    "document",
                )
            )

    # --- mitigation, severity ---------------------------------------------------------
    key = scenario.answer_key if scenario else None
    mitigated = inc.milestones.get("mitigated")
    ttm = _secs(start, mitigated)
    target = key.mitigate_by_s if key else None
    if ttm is None:
        ttm_verdict = "not mitigated"
    elif target is None:
        ttm_verdict = "mitigated"
    else:
        ttm_verdict = "within the answer key" if ttm <= target else "later than the answer key"
    d.figures.append(
        Figure(
            "ttm",
            "Time to mitigate",
            ttm,
            f"answer key {format_offset(target)}" if target is not None else "—",
            ttm_verdict,
        )
    )
    if target is not None and (ttm is None or ttm > target):
        missed.append(
            Finding(
                "ttm",
                "Not mitigated during the drill"
                if ttm is None
                else f"Mitigated at {format_offset(ttm)}; "
                f"the answer key says by {format_offset(target)}",
                f"Rehearse the mitigation of {scenario.title if scenario else inc.title}",
                "mitigate",
            )
        )
    if scenario is not None:
        expected = scenario.expected_severity
        reached = facts.get(f"severity {expected}")
        d.figures.append(
            Figure(
                "severity",
                f"Time to reach SEV{expected}",
                _secs(start, reached),
                f"expected SEV{expected} (started SEV{scenario.severity})",
                f"SEV{inc.severity} at the end" + ("" if reached else f", never SEV{expected}"),
            )
        )
        if reached is None:
            missed.append(
                Finding(
                    "severity",
                    f"Severity stayed at SEV{inc.severity}; the scenario called for SEV{expected}",
                    f"Add the SEV{expected} signals of this scenario to the severity guide",
                    "document",
                )
            )

    # --- the answer key ---------------------------------------------------------------
    if key is not None:
        for exp in key.expect:
            at = facts.get(exp.fact)
            deadline = start + timedelta(seconds=exp.by_s) if exp.by_s is not None else None
            ok = at is not None and (deadline is None or at <= deadline)
            d.expectations.append(
                {
                    "fact": exp.fact,
                    "what": describe_fact(exp.fact),
                    "by": format_offset(exp.by_s) if exp.by_s is not None else None,
                    "at": _off(start, at) if at else None,
                    "met": ok,
                }
            )
            if not ok:
                when = f" by {format_offset(exp.by_s)}" if exp.by_s is not None else ""
                late = f" (came at {_off(start, at)})" if at else " (never)"
                missed.append(
                    Finding(
                        f"fact:{exp.fact}",
                        f"Expected {describe_fact(exp.fact)}{when}{late}",
                        f"Add '{describe_fact(exp.fact)}{when}' to the incident checklist",
                        "detect" if exp.fact == "ack" else "document",
                    )
                )
        texts = _team_texts(events)
        runbook = wanted[0] if wanted else None
        for kind, items in (("decision", key.decisions), ("action", key.actions)):
            for item in items:
                hit = next(((at, t) for at, t in texts if item.matches(t)), None)
                d.answer_key.append(
                    {
                        "kind": kind,
                        "text": item.text,
                        "found": hit is not None,
                        "at": _off(start, hit[0]) if hit else None,
                        "entry": hit[1] if hit else None,
                    }
                )
                if hit is None:
                    missed.append(
                        Finding(
                            f"key:{kind}:{item.text}",
                            f"The team did not come to: {item.text}",
                            f"Runbook {runbook} lacks the step: {item.text}"
                            if runbook
                            else f"Write down the step: {item.text}",
                            "document",
                        )
                    )

    # --- injects ----------------------------------------------------------------------
    asked = available = 0
    for row in v.rows:
        inj = row.inject
        d.injects.append(
            {
                "id": inj.id,
                "kind": inj.kind,
                "when": inj.when_text(),
                "state": row.state,
                "at": _off(start, row.event.at) if row.state == FIRED and row.event else None,
            }
        )
        if inj.on_ask:
            available += 1
            asked += int(row.state == FIRED)
        if inj.unless and row.state == FIRED and row.event is not None:
            by = format_offset(inj.by_s or 0)
            missed.append(
                Finding(
                    f"fact:{inj.unless}",
                    f"No {describe_fact(inj.unless)} by {by}, so the {inj.label} came "
                    f"(inject {inj.id} at {_off(start, row.event.at)})",
                    f"Add '{describe_fact(inj.unless)} by {by}' to the incident checklist",
                    "document",
                )
            )
    d.clues = (asked, available)
    d.improvised = len(v.state.improvised) if v.state else 0
    d.would_have_sent = list(sink or [])
    d.findings = _unique(missed)
    return d


def _team_texts(events: list[Event]) -> list[tuple[datetime, str]]:
    """What the players typed (entries, decision records, updates): not the injects."""
    retracted = {e.refers_to for e in events if e.kind == EventKind.ENTRY_RETRACTED}
    amended = {
        e.refers_to: e.payload.get("text", "") for e in events if e.kind == EventKind.ENTRY_AMENDED
    }
    out = []
    for e in events:
        if e.kind == EventKind.ENTRY and e.id not in retracted:
            text = amended.get(e.id, e.payload.get("text", ""))
            record = e.payload.get("decision") or {}
            out.append((e.at, " ".join([text, *map(str, record.values())])))
        elif e.kind == EventKind.UPDATE_SENT:
            out.append((e.at, str(e.payload.get("text", ""))))
    return sorted(out, key=lambda pair: pair[0])


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.key not in seen:
            seen.add(f.key)
            out.append(f)
    return out


# --- rendering -----------------------------------------------------------------------------


def _cell(value: object) -> str:
    from irtui.review.mdtext import cell

    return cell(str(value))


def render_markdown(d: Debrief) -> str:
    out = [
        f"# Drill debrief: {d.incident_id} — {_cell(d.title)}",
        "",
        f"Scenario: {d.scenario_id or '— (declared as a drill, no script)'}"
        + (f" · tests: {', '.join(d.tests)}" if d.tests else ""),
        f"Drill clock: started {iso(d.started)}; "
        + (
            f"resolved at {_off(d.started, d.ended)}"
            if d.ended
            else f"still running at {_off(d.started, d.drill_now)}"
        ),
        "",
        "## Scores",
        "",
        "| measure | value | target | verdict |",
        "|---|---:|---|---|",
    ]
    for f in d.figures:
        out.append(f"| {f.label} | {f.shown} | {_cell(f.target)} | {_cell(f.verdict)} |")
    out += [
        "",
        "## Updates on cadence",
        "",
        "| audience | cadence | sent | first | on cadence | worst gap |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for u in d.updates:
        cadence = fmt_duration(u["cadence_s"]) if u["cadence_s"] else "—"
        on = f"{u['on_cadence']}/{u['gaps']}" if u["gaps"] else "—"
        out.append(
            f"| {u['audience']} | {cadence} | {u['sent']} | {u['first_at']} | {on} | "
            f"{fmt_duration(u['worst_gap_s'])} |"
        )
    if not d.updates:
        out.append("| — | — | 0 | — | — | — |")
    out += ["", "## Hand-offs", ""]
    for h in d.handoffs:
        out.append(
            f"- {role_label(h['role'])}: {_cell(h['from'])} → {_cell(h['to'])} "
            f"at {h['offered_at']}, "
            f"brief {'yes' if h['brief'] else 'no'}, accepted {h['accepted_at'] or 'no'} — "
            f"{'protocol followed' if h['followed'] else 'protocol not followed'}"
        )
    if not d.handoffs:
        out.append("- none")
    out += ["", "## Runbooks", ""]
    for r in d.runbooks:
        opened = f"opened at {r['opened_at']}" if r["opened_at"] else "never opened"
        total = r["steps_total"] if r["steps_total"] is not None else "?"
        steps = f", {r['steps_ticked']} of {total} steps ticked" if r["opened_at"] else ""
        out.append(
            f"- {_cell(r['runbook'])}{' (the scenario’s)' if r['expected'] else ''}: {opened}"
            f"{steps}"
        )
    if not d.runbooks:
        out.append("- none")
    if d.expectations or d.answer_key:
        out += ["", "## Against the answer key", ""]
        for e in d.expectations:
            mark = "✓" if e["met"] else "✗"
            by = f" by {e['by']}" if e["by"] else ""
            at = f" (at {e['at']})" if e["at"] else " (not reached)"
            out.append(f"- {mark} {_cell(e['what'])}{by}{at}")
        for k in d.answer_key:
            mark = "✓" if k["found"] else "✗"
            at = f" at {k['at']}: “{_cell(k['entry'])}”" if k["found"] else ""
            out.append(f"- {mark} {k['kind']}: {_cell(k['text'])}{at}")
    out += ["", "## Injects", ""]
    states = {
        FIRED: "played",
        SKIPPED: "skipped",
        MOOT: "not needed",
        NOT_REACHED: "not reached",
        ON_ASK: "not asked for",
    }
    for i in d.injects:
        at = f" at {i['at']}" if i["at"] else ""
        out.append(
            f"- {i['id']} ({i['kind'].replace('_', ' ')}, {i['when']}): "
            f"{states.get(i['state'], i['state'])}{at}"
        )
    out.append(
        f"- clues asked for: {d.clues[0]} of {d.clues[1]}; improvised injects: {d.improvised}"
    )
    out += ["", "## What would have been sent (the drill sink: recorded, never sent)", ""]
    for m in d.would_have_sent:
        out.append(
            f"- {m['provider']} #{m['id']} at {m['created_at']}: {_cell(m.get('body') or '')}"
        )
    if not d.would_have_sent:
        out.append("- nothing")
    out += ["", "## What the team missed", ""]
    for n, f in enumerate(d.findings, 1):
        out.append(f"{n}. {_cell(f.text)} → action: {_cell(f.action)} ({f.type})")
    if not d.findings:
        out.append("Nothing: every expectation was met.")
    return "\n".join(out) + "\n"


def render_json(d: Debrief) -> str:
    from irtui.boundary.text_out import json_dumps

    return json_dumps(d.to_dict(), indent=2) + "\n"
