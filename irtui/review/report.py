"""`irtui report`: metrics and SLA compliance over a period, as Markdown, JSON or CSV.

What counts (also in docs/review.md):
- Incidents *declared* in [since, until). Drills are excluded from every figure and counted
  separately. Backfilled (imported) incidents count everywhere their source recorded the fact:
  counts, TTD/TTM/TTR and status-page update gaps; not TTA nor ack compliance (a public post is
  all we know of their acknowledgement) nor postmortem compliance (their reviews live elsewhere).
- Durations by `domain.metrics.durations` (TTD/TTA/TTM/TTR), per peak severity and overall;
  median, p90 (inclusive) and mean via `domain.metrics.summarise`.
- SLA compliance: ack within the level's deadline (`ack_within_deadline`); every gap between
  updates within the audience's cadence (`update_gaps`); postmortem completed within 5 business
  days of resolution for real SEV1-SEV2 incidents; action items done by their due date.
  Undecided cases (clock still running, review not yet due, item not yet due) are *pending* and
  left out of the rate.
- Industry comparison: MTTA top quartile 3 min / median 10 min; MTTR top quartile 30 min /
  median 4 h; postmortem completion 100 % / 60 %.
- Data quality (`irtui/domain/quality.py`): imported incidents carry flags (zero length,
  started after resolved, posts outside [started, resolved], one post only, clock skew, ...).
  Every flag is counted. Incidents with an *excluding* flag (zero length, impossible) are
  left out of the response-time figures (median, p90, mean) by default, because a migrated
  record with `created_at == resolved_at` says nothing about how long anything took; they
  still count everywhere else (incidents by severity and service, recurrence).
  `include_flagged=True` (`irtui report --include-flagged`) puts them back. Every format says
  which it did and how many were left out.
"""

from __future__ import annotations

import csv
import gc
import io
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from irtui.domain.actions import ActionItem, ActionStatus
from irtui.domain.metrics import (
    Summary,
    ack_within_deadline,
    durations,
    obligation_severity,
    summarise,
    update_gaps,
)
from irtui.domain.model import Incident, IncidentKind
from irtui.domain.quality import EXCLUDED, LABELS, SHORT, is_excluded
from irtui.domain.timeutil import fmt_duration, iso
from irtui.review.business_days import REVIEW_MAX_SEVERITY, review_due
from irtui.review.events import Learning, review_scan
from irtui.review.mdtext import cell
from irtui.review.recurrence import Recurrence, dimension_label, recurrences
from irtui.store.queries import incident_states_between

METRICS = ("ttd", "tta", "ttm", "ttr")
RECURRING_SHOWN = 20
IDS_SHOWN = 10

Format = Literal["md", "json", "csv"]


@dataclass(frozen=True, slots=True)
class Quartiles:
    """An industry reference: the top-quartile and median values of a metric."""

    metric: str
    label: str
    top_quartile: float
    median: float
    higher_is_better: bool = False
    unit: str = "s"


INDUSTRY: tuple[Quartiles, ...] = (
    Quartiles("mtta", "MTTA (mean time to acknowledge)", 180, 600),
    Quartiles("mttr", "MTTR (mean time to resolve)", 1800, 14400),
    Quartiles(
        "postmortem_completion",
        "Postmortem completion",
        1.0,
        0.6,
        higher_is_better=True,
        unit="ratio",
    ),
)


@dataclass(slots=True)
class Compliance:
    met: int = 0
    missed: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def rate(self) -> float | None:
        return self.met / self.decided if self.decided else None

    def add(self, ok: bool | None) -> None:
        if ok is None:
            self.pending += 1
        elif ok:
            self.met += 1
        else:
            self.missed += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "met": self.met,
            "missed": self.missed,
            "pending": self.pending,
            "decided": self.decided,
            "rate": self.rate,
        }


@dataclass(slots=True)
class Benchmark:
    quartiles: Quartiles
    ours: float | None

    @property
    def verdict(self) -> str:
        if self.ours is None:
            return "no data"
        q = self.quartiles
        if q.higher_is_better:
            top, median = self.ours >= q.top_quartile, self.ours >= q.median
        else:
            top, median = self.ours <= q.top_quartile, self.ours <= q.median
        if top:
            return "top quartile"
        return "better than median" if median else "worse than median"

    def to_dict(self) -> dict[str, Any]:
        q = self.quartiles
        return {
            "metric": q.metric,
            "label": q.label,
            "ours": self.ours,
            "unit": q.unit,
            "industry_top_quartile": q.top_quartile,
            "industry_median": q.median,
            "verdict": self.verdict,
        }


@dataclass(slots=True)
class Report:
    since: datetime | None
    until: datetime | None
    generated_at: datetime
    total: int = 0
    real: int = 0
    backfilled: int = 0
    drills: int = 0
    last_drill: datetime | None = None
    """The latest exercise (drill) declared in the period: the SLA record's evidence of a
    tested process. Deleted drills are gone from the report altogether."""
    by_severity: dict[int, int] = field(default_factory=dict)
    by_service: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, dict[str, Summary]] = field(default_factory=dict)  # "SEV1"/"all"
    ack: Compliance = field(default_factory=Compliance)
    updates: Compliance = field(default_factory=Compliance)
    postmortem: Compliance = field(default_factory=Compliance)
    postmortem_completed: int = 0
    postmortem_owed: int = 0  # reviews that are due (or done): the completion denominator
    actions: Compliance = field(default_factory=Compliance)
    actions_open: int = 0
    actions_overdue: int = 0
    benchmarks: list[Benchmark] = field(default_factory=list)
    recurring: list[Recurrence] = field(default_factory=list)
    include_flagged: bool = False
    quality: dict[str, int] = field(default_factory=dict)  # flag -> incidents carrying it
    flagged: int = 0  # incidents with at least one flag
    excluded: list[str] = field(default_factory=list)  # left out of response-time figures

    @property
    def quality_note(self) -> str:
        """One sentence every format carries: what was left out of the figures, or not."""
        why = ", ".join(
            f"{self.quality.get(f, 0)} {SHORT[f]}" for f in sorted(EXCLUDED) if self.quality.get(f)
        )
        if not self.excluded:
            return "No incident is flagged zero length or impossible: all count in response times."
        if self.include_flagged:
            return (
                f"Response times include {len(self.excluded)} incident(s) flagged as not "
                f"believable ({why}) because --include-flagged was given."
            )
        return (
            f"{len(self.excluded)} incident(s) flagged as not believable ({why}) are left out "
            "of the response times (median, p90, mean); `--include-flagged` counts them."
        )

    def quality_dict(self) -> dict[str, Any]:
        return {
            "flags": dict(sorted(self.quality.items())),
            "flagged_incidents": self.flagged,
            "excluding_flags": sorted(EXCLUDED),
            "include_flagged": self.include_flagged,
            "excluded_from_response_times": 0 if self.include_flagged else len(self.excluded),
            "excluded_incidents": [] if self.include_flagged else list(self.excluded),
            "note": self.quality_note,
        }

    @property
    def postmortem_completion(self) -> float | None:
        return self.postmortem_completed / self.postmortem_owed if self.postmortem_owed else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": {"since": iso(self.since), "until": iso(self.until)},
            "generated_at": iso(self.generated_at),
            "incidents": {
                "total": self.total,
                "real": self.real,
                "backfilled": self.backfilled,
                "drills_excluded": self.drills,
            },
            "exercises": {"count": self.drills, "last": iso(self.last_drill)},
            "by_severity": {f"SEV{k}": v for k, v in self.by_severity.items()},
            "by_service": dict(self.by_service),
            "metrics_seconds": {
                group: {
                    name: {"count": s.count, "median": s.median, "p90": s.p90, "mean": s.mean}
                    for name, s in metrics.items()
                }
                for group, metrics in self.metrics.items()
            },
            "sla": {
                "ack_within_deadline": self.ack.to_dict(),
                "update_gaps_within_cadence": self.updates.to_dict(),
                "postmortem_within_window": {
                    **self.postmortem.to_dict(),
                    "completed": self.postmortem_completed,
                    "owed": self.postmortem_owed,
                    "completion_rate": self.postmortem_completion,
                },
                "action_items_by_due_date": {
                    **self.actions.to_dict(),
                    "open": self.actions_open,
                    "overdue": self.actions_overdue,
                },
            },
            "industry": [b.to_dict() for b in self.benchmarks],
            "recurring": [r.to_dict() for r in self.recurring],
            "data_quality": self.quality_dict(),
        }


def _action_items(store: Any) -> list[ActionItem]:
    from irtui.store.actions_repo import ActionsRepo

    return ActionsRepo(store.db).list()


def _incidents(db: Any, since: datetime | None, until: datetime | None) -> list[Incident]:
    """`Store.incidents_between` minus the parsing of fields no report reads (roles, live
    update clocks): a third of the cost of reading 10,000 incidents."""
    out = []
    for data in incident_states_between(db, since, until):
        data.update(roles={}, update_due={}, last_update={}, updated_at=None)
        out.append(Incident.from_dict(data))
    return out


def build_report(
    store: Any,
    since: datetime | None,
    until: datetime | None,
    now: datetime,
    *,
    include_flagged: bool = False,
) -> Report:
    """Everything `irtui report` shows, computed from the store in three full reads.

    The cyclic garbage collector is paused meanwhile: the report allocates ~10^6 short-lived,
    acyclic objects for 10,000 incidents (freed by reference counting anyway), and the
    collector's generation-0 passes over them were a fifth of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        incidents = _incidents(store.db, since, until)
        learning, update_times, quality = review_scan(store.db)
        items = _action_items(store)
        return compute_report(
            incidents,
            learning,
            update_times,
            items,
            since=since,
            until=until,
            now=now,
            quality=quality,
            include_flagged=include_flagged,
        )
    finally:
        if was_enabled:
            gc.enable()


def compute_report(
    incidents: list[Incident],
    learning: dict[str, Learning],
    update_times: dict[str, dict[str, list[datetime]]],
    items: list[ActionItem],
    *,
    since: datetime | None,
    until: datetime | None,
    now: datetime,
    quality: dict[str, dict[str, str]] | None = None,
    include_flagged: bool = False,
) -> Report:
    """The pure half of `build_report` (hand-computed fixtures test this directly)."""
    report = Report(since=since, until=until, generated_at=now, include_flagged=include_flagged)
    quality = quality or {}
    values: dict[str, dict[str, list[float]]] = {}
    counted: list[Incident] = []
    for inc in incidents:
        if inc.kind is IncidentKind.DRILL:
            if inc.deleted_at is None:  # a deleted drill is gone from reports
                report.drills += 1
                report.last_drill = max(report.last_drill or inc.declared_at, inc.declared_at)
            continue
        counted.append(inc)
        backfilled = inc.kind is IncidentKind.BACKFILLED
        report.total += 1
        report.backfilled += int(backfilled)
        report.real += int(not backfilled)
        sev = obligation_severity(inc)  # the peak: a SEV1 downgraded to SEV3 counts as SEV1
        report.by_severity[sev] = report.by_severity.get(sev, 0) + 1
        for service in inc.services:
            report.by_service[service] = report.by_service.get(service, 0) + 1
        flags = quality.get(inc.id, {})
        if flags:
            report.flagged += 1
            for flag in flags:
                report.quality[flag] = report.quality.get(flag, 0) + 1
        excluded = is_excluded(flags)
        if excluded:
            report.excluded.append(inc.id)
        measured = durations(inc)
        if excluded and not include_flagged:
            measured = dict.fromkeys(measured)
        for group in (f"SEV{sev}", "all"):
            bucket = values.setdefault(group, {m: [] for m in METRICS})
            for name, secs in measured.items():
                if secs is not None and not (backfilled and name == "tta"):
                    bucket[name].append(secs)
        if not backfilled:
            if inc.ack_due is not None:  # levels without an ack clock promise nothing
                report.ack.add(ack_within_deadline(inc, now))
            gap_source = inc
        else:
            gap_source = replace(
                inc, cadence_s={a: c for a, c in inc.cadence_s.items() if a == "statuspage"}
            )
        _update_gaps(report, gap_source, update_times.get(inc.id, {}), now)
        _postmortem(report, inc, learning.get(inc.id), now)
    report.by_severity = dict(sorted(report.by_severity.items()))
    report.by_service = dict(sorted(report.by_service.items(), key=lambda kv: (-kv[1], kv[0])))
    order = sorted((g for g in values if g != "all"), key=lambda g: int(g[3:]))
    report.metrics = {
        g: {m: summarise(values[g][m]) for m in METRICS}
        for g in [*order, *(["all"] if "all" in values else [])]
    }
    ids = {inc.id for inc in counted}
    for item in items:
        if item.incident_id not in ids or item.status == ActionStatus.WONTDO:
            continue
        if item.status == ActionStatus.OPEN:
            report.actions_open += 1
            report.actions_overdue += int(item.is_overdue(now))
        if item.due is None:
            continue
        if item.status == ActionStatus.DONE:
            report.actions.add(item.done_on_time())
        else:
            report.actions.add(False if item.is_overdue(now) else None)
    overall = report.metrics.get("all", {})
    report.benchmarks = [
        Benchmark(INDUSTRY[0], overall["tta"].mean if overall else None),
        Benchmark(INDUSTRY[1], overall["ttr"].mean if overall else None),
        Benchmark(INDUSTRY[2], report.postmortem_completion),
    ]
    report.recurring = recurrences(counted, learning)
    return report


def _update_gaps(
    report: Report, inc: Incident, times: dict[str, list[datetime]], now: datetime
) -> None:
    """Every gap between updates against its cadence. While the incident is open, the gap
    running up to `now` is *pending* unless it has already overrun."""
    gaps = update_gaps(inc, times, now)
    last: dict[str, int] = {aud: i for i, (aud, _g, _c) in enumerate(gaps)}
    for i, (aud, gap, cadence) in enumerate(gaps):
        if gap > cadence:
            report.updates.add(False)
        elif inc.is_open and last[aud] == i:
            report.updates.add(None)
        else:
            report.updates.add(True)


def _postmortem(report: Report, inc: Incident, learning: Learning | None, now: datetime) -> None:
    resolved = inc.milestones.get("resolved")
    owes = obligation_severity(inc) <= REVIEW_MAX_SEVERITY
    if inc.kind is not IncidentKind.REAL or not owes or resolved is None:
        return
    due = review_due(resolved)
    done_at = learning.review_completed_at if learning else None
    if done_at is not None:
        report.postmortem_completed += 1
        report.postmortem_owed += 1
        report.postmortem.add(done_at <= due)
    elif now >= due:
        report.postmortem_owed += 1
        report.postmortem.add(False)
    else:
        report.postmortem.add(None)


# --- rendering ---------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _compliance_line(name: str, c: Compliance, extra: str = "") -> str:
    return f"| {name} | {_pct(c.rate)} | {c.met} | {c.missed} | {c.pending} | {extra} |"


def _ours(b: Benchmark) -> str:
    if b.ours is None:
        return "—"
    return _pct(b.ours) if b.quartiles.unit == "ratio" else fmt_duration(b.ours)


def _ref(b: Benchmark, value: float) -> str:
    return _pct(value) if b.quartiles.unit == "ratio" else fmt_duration(value)


def _exercises_line(report: Report) -> str:
    """Evidence that the process was tested (`irtui drill`): how many, and the last one."""
    if not report.drills:
        return "- Tabletop exercises: none this period (`irtui drill run` starts one)"
    last = f"{report.last_drill:%Y-%m-%d}" if report.last_drill else "—"
    return f"- Tabletop exercises: {report.drills} this period, last on {last}"


def render_markdown(report: Report) -> str:
    period = f"{iso(report.since) or 'the beginning'} to {iso(report.until) or 'now'}"
    out = [
        "# Incident report",
        "",
        f"Period: {period} (declared in this window). Generated {iso(report.generated_at)}.",
        "",
        f"- Incidents: **{report.total}** ({report.real} real, {report.backfilled} backfilled)",
        f"- Drills (excluded from every figure): {report.drills}",
        _exercises_line(report),
        f"- Data quality: {report.flagged} imported incident(s) flagged. {report.quality_note}",
        "",
        "## Incidents by severity",
        "",
        "| severity | incidents |",
        "|---|---:|",
    ]
    out += [f"| SEV{sev} | {n} |" for sev, n in report.by_severity.items()] or ["| — | 0 |"]
    out += ["", "## Incidents by service", "", "| service | incidents |", "|---|---:|"]
    out += [f"| {cell(s)} | {n} |" for s, n in report.by_service.items()] or ["| — | 0 |"]
    out += [
        "",
        "## Response times",
        "",
        "TTA = acknowledged − detected; TTM = mitigated − started; TTR = resolved − "
        "started. Backfilled incidents have no TTA. " + report.quality_note,
        "",
        "| severity | metric | n | median | p90 | mean |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for group, metrics in report.metrics.items():
        for name in ("tta", "ttm", "ttr"):
            s = metrics[name]
            out.append(
                f"| {group} | {name.upper()} | {s.count} | {fmt_duration(s.median)} | "
                f"{fmt_duration(s.p90)} | {fmt_duration(s.mean)} |"
            )
    if not report.metrics:
        out.append("| — | — | 0 | — | — | — |")
    out += [
        "",
        "## SLA compliance",
        "",
        "| promise | rate | met | missed | pending | note |",
        "|---|---:|---:|---:|---:|---|",
        _compliance_line("Acknowledged within deadline", report.ack, "real incidents"),
        _compliance_line(
            "Update gaps within cadence", report.updates, "every gap between updates, per audience"
        ),
        _compliance_line(
            "Postmortem within 5 business days",
            report.postmortem,
            f"completed {report.postmortem_completed} of "
            f"{report.postmortem_owed} owed (real SEV1–"
            f"SEV{REVIEW_MAX_SEVERITY})",
        ),
        _compliance_line(
            "Action items done by due date",
            report.actions,
            f"{report.actions_open} open, {report.actions_overdue} overdue",
        ),
        "",
        "## Compared with industry quartiles",
        "",
        "| metric | ours | top quartile | median | where we are |",
        "|---|---:|---:|---:|---|",
    ]
    for b in report.benchmarks:
        out.append(
            f"| {b.quartiles.label} | {_ours(b)} | {_ref(b, b.quartiles.top_quartile)} "
            f"| {_ref(b, b.quartiles.median)} | {b.verdict} |"
        )
    out += [
        "",
        "## Data quality",
        "",
        report.quality_note,
        "",
        "| flag | incidents | meaning | in response times |",
        "|---|---:|---|---|",
    ]
    for flag, n in sorted(report.quality.items(), key=lambda kv: (-kv[1], kv[0])):
        counted = "yes" if report.include_flagged or flag not in EXCLUDED else "**no**"
        out.append(
            f"| {cell(SHORT.get(flag, flag))} | {n} | {cell(LABELS.get(flag, flag))} | {counted} |"
        )
    if not report.quality:
        out.append("| — | 0 | no imported incident carries a flag | — |")
    if report.excluded and not report.include_flagged:
        shown = ", ".join(report.excluded[:IDS_SHOWN])
        more = len(report.excluded) - IDS_SHOWN
        out += ["", f"Left out: {shown}" + (f", … {more} more" if more > 0 else "") + "."]
    out += ["", "## Recurring", ""]
    if report.recurring:
        for r in report.recurring[:RECURRING_SHOWN]:
            ids = ", ".join(r.incidents[:IDS_SHOWN])
            if r.count > IDS_SHOWN:
                ids += f", … {r.count - IDS_SHOWN} more"
            out.append(
                f"- {r.count} incidents in {r.quarter} involving "
                f"{dimension_label(r.dimension)} "
                f"{cell(r.value)} ({ids})"
            )
        if len(report.recurring) > RECURRING_SHOWN:
            out.append(
                f"- … and {len(report.recurring) - RECURRING_SHOWN} more "
                "(`--format json` or `irtui recurring` lists them all)"
            )
    else:
        out.append(
            "- Nothing recurred (no service, tag or root cause shared by two "
            "incidents in a quarter)."
        )
    return "\n".join(out) + "\n"


def _num(value: Any) -> Any:
    """CSV cells: '' for missing, integral floats without '.0', others to 4 decimals."""
    if value is None:
        return ""
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 4)
    return value


def render_csv(report: Report) -> str:
    """Tidy rows (section, group, key, value): one fact a line, easy to pivot."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "group", "key", "value"])
    w.writerow(["period", "", "since", iso(report.since) or ""])
    w.writerow(["period", "", "until", iso(report.until) or ""])
    for key in ("total", "real", "backfilled", "drills"):
        w.writerow(["incidents", "", key, getattr(report, key)])
    w.writerow(["exercises", "", "count", report.drills])
    w.writerow(["exercises", "", "last", iso(report.last_drill) or ""])
    for sev, n in report.by_severity.items():
        w.writerow(["by_severity", f"SEV{sev}", "incidents", n])
    for service, n in report.by_service.items():
        w.writerow(["by_service", service, "incidents", n])
    for group, metrics in report.metrics.items():
        for name, s in metrics.items():
            for stat in ("count", "median", "p90", "mean"):
                value = getattr(s, stat)
                w.writerow(["metrics_seconds", group, f"{name}_{stat}", _num(value)])
    for name, c in (
        ("ack_within_deadline", report.ack),
        ("update_gaps_within_cadence", report.updates),
        ("postmortem_within_window", report.postmortem),
        ("action_items_by_due_date", report.actions),
    ):
        for key, value in c.to_dict().items():
            w.writerow(["sla", name, key, _num(value)])
    w.writerow(
        ["sla", "postmortem_within_window", "completion_rate", _num(report.postmortem_completion)]
    )
    for b in report.benchmarks:
        for key, value in b.to_dict().items():
            if key not in ("metric", "label"):
                w.writerow(["industry", b.quartiles.metric, key, _num(value)])
    for r in report.recurring:
        w.writerow(["recurring", f"{r.quarter}:{r.dimension}", r.value, " ".join(r.incidents)])
    quality = report.quality_dict()
    w.writerow(["data_quality", "", "flagged_incidents", quality["flagged_incidents"]])
    w.writerow(["data_quality", "", "include_flagged", str(report.include_flagged).lower()])
    w.writerow(
        [
            "data_quality",
            "",
            "excluded_from_response_times",
            quality["excluded_from_response_times"],
        ]
    )
    for flag, n in quality["flags"].items():
        w.writerow(["data_quality", "flag", flag, n])
    w.writerow(["data_quality", "", "note", report.quality_note])
    return buf.getvalue()


def render_report(report: Report, fmt: Format = "md") -> str:
    if fmt == "md":
        return render_markdown(report)
    if fmt == "json":
        from irtui.boundary.text_out import json_dumps

        return json_dumps(report.to_dict(), indent=2) + "\n"
    if fmt == "csv":
        return render_csv(report)
    raise ValueError(f"unknown report format {fmt!r} (md, json, csv)")
