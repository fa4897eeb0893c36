"""The incident screen's header: what a glance must answer, fitted to the terminal's width.

Why its own module: at 80x24 every line counts. The severity, id and status come before the
title (a long title is cut, never the status); the milestones join the clocks' line when they
fit; services and impact share a line only when both fit whole, else each gets its own; the
links (dashboard, bridge, channel, ticket) follow the services when there is room, else take
a line of their own. Every user value is literal text (`irtui.tui.text`); a link is a terminal
hyperlink only when it is an http(s) address (`boundary.text_out.hyperlink_target`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text

from irtui.boundary.text_out import hyperlink_target
from irtui.domain.clocks import ack_clock, update_clocks
from irtui.domain.links import label as link_label
from irtui.domain.links import ordered
from irtui.domain.model import MILESTONES, Incident, IncidentKind
from irtui.domain.resolution import hold_view
from irtui.tui import text as tx

NARROW_BELOW = 110
SHORT_MILESTONE = {
    "started": "start",
    "detected": "det",
    "acknowledged": "ack",
    "mitigated": "mitig",
    "resolved": "res",
    "closed": "closed",
}


def drill_tag(incident: Incident) -> str:
    """`DRILL`, and the drill clock's state when it is not plain real time (paused, ×60)."""
    clock = incident.time_map or {}
    if clock and not clock.get("running", True):
        return "DRILL ⏸ paused "
    speed = float(clock.get("speed", 1.0))
    return f"DRILL ×{speed:g} " if speed != 1 else "DRILL "


def _line(parts: list[Any]) -> Text:
    return Text.assemble(*parts, no_wrap=True, overflow="ellipsis")


def title_line(inc: Incident, badge: str | None = None) -> Text:
    top: list[Any] = [tx.severity(inc.severity), " "]
    peak = inc.peak_severity or inc.severity
    if peak != inc.severity:  # obligations follow the peak
        top += [(f"peak SEV{peak} ", "bold #ff6b6b")]
    top += [(inc.id, "bold"), " "]
    if inc.kind is IncidentKind.DRILL:
        top += [(drill_tag(inc), "bold black on #c792ea"), " "]
    top += [tx.status(str(inc.status)), "  "]
    if badge is not None:  # imported history (issue 16)
        top += [(badge, "bold black on #ffcb6b"), "  "]
    top.append(tx.literal(inc.title, "bold", limit=300))
    return _line(top)


def clock_parts(inc: Incident, now: datetime) -> list[Any]:
    parts: list[Any] = []
    for view in [ack_clock(inc, now), *update_clocks(inc, now)]:
        label = "ack" if view.name == "ack" else view.name.split(":", 1)[1]
        if parts:
            parts.append("   ")
        parts += [(f"{label} ", "dim"), tx.clock(view)]
    hold = hold_view(inc, now)  # the monitoring hold before resolving
    if hold is not None:
        parts += ["   ", ("hold ", "dim"), (hold.text, "green" if hold.met else "#4fc3f7")]
    return parts


def milestone_parts(inc: Incident, *, narrow: bool) -> list[Any]:
    parts: list[Any] = []
    for name in MILESTONES:
        value = inc.milestones.get(name)
        if parts:
            parts.append("  ")
        parts += [
            (f"{SHORT_MILESTONE.get(name, name) if narrow else name} ", "dim"),
            (value.astimezone().strftime("%H:%M") if value else "—", "" if value else "dim"),
        ]
    return parts


def link_parts(inc: Incident) -> list[Any]:
    """`links Dashboard · Bridge · #inc-42 …`: web links are hyperlinks named by their label;
    a value that is not a web address (a channel, a ticket key) is shown itself."""
    parts: list[Any] = []
    for name, value in ordered(inc.links):
        parts += [("links ", "dim")] if not parts else [" ", ("· ", "dim")]
        if hyperlink_target(value) is not None:
            parts.append(tx.link(link_label(name), value, "#82aaff"))
        else:
            parts += [(f"{link_label(name)} ", "dim"), tx.literal(value, limit=40)]
    return parts


def plain_len(parts: list[Any]) -> int:
    return Text.assemble(*parts).cell_len if parts else 0


def header_lines(
    inc: Incident, now: datetime, width: int, *, badge: str | None = None, max_lines: int = 5
) -> list[Text]:
    """The header's lines at `width` cells (at most `max_lines`)."""
    narrow = width < NARROW_BELOW
    clocks = clock_parts(inc, now)
    miles = milestone_parts(inc, narrow=narrow)
    services: list[Any] = [("services ", "dim"), tx.literal(", ".join(inc.services) or "—")]
    impact: list[Any] = [("impact ", "dim"), tx.literal(inc.impact or "—", limit=300)]
    links = link_parts(inc)
    gap = "   "
    lines: list[list[Any]] = [[]]  # the title line, made last
    if plain_len(clocks) + len(gap) + plain_len(miles) <= width:
        lines.append([*clocks, gap, *miles])
        miles = []
    else:
        lines.append(clocks)
    if plain_len(services) + len(gap) + plain_len(impact) <= width:
        meta = [[*services, gap, *impact]]
    else:
        meta = [services, impact]
    if links:
        if plain_len(meta[0]) + len(gap) + plain_len(links) <= width:
            meta[0] = [*meta[0], gap, *links]
        else:
            meta.append(links)
    extra: list[list[Any]] = ([miles] if miles else []) + meta
    if len(lines) + len(extra) > max_lines and miles:  # the Times dialog has them
        extra.pop(0)
    if len(lines) + len(extra) > max_lines and links and extra[-1] is links:
        extra.pop()
    out = [title_line(inc, badge)] + [_line(parts) for parts in lines[1:] + extra]
    return out[:max_lines]
