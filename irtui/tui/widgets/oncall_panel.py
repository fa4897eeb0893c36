"""The incident screen's on-call panel: for each service of the incident its owner, who is on
call now (primary, secondary) and until when, the escalation chain, and every page with its
clock — "paged erin 6m ago, no answer -> escalate to bob". A page whose delivery failed is the
loudest line on the screen: a page nobody received is the worst silent failure.

Self-contained on purpose (the incident screen mounts it with one line): it gathers its data
in a worker thread (`oncall_view.gather`: catalog and schedule files, never on the event
loop), re-reads the pages when the store's change marker moves, re-resolves the schedules when
a shown shift ends, and keeps its own 1 Hz clock that repaints only when the text changed.
It rings the bell once for each page that goes unanswered past its deadline. When the lead
moves the panel to the app's shared tick, `tick(now)` is the method to call and the timer in
`on_mount` can go.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from irtui.domain.clocks import ClockState
from irtui.domain.paging import PageState, page_clock, page_line, short_duration
from irtui.domain.timeutil import fmt_duration
from irtui.tui import text as tx

REFRESH_EVERY = timedelta(minutes=5)
COMPACT_BELOW = 36
"""Terminal rows under which the panel shows its compact form (the side panel also holds
the roles and the tasks)."""
FAILED = "bold white on #b00020"
WARN = "bold #ffb000"


class OnCallData(Message):
    def __init__(self, view: Any, error: str | None = None, *, full: bool = False) -> None:
        super().__init__()
        self.view = view
        self.error = error
        self.full = full


def until_text(until: datetime | None, now: datetime) -> str:
    if until is None:
        return "—"
    local = until.astimezone()
    if until - now < timedelta(hours=20):
        return f"{local:%H:%M} ({short_delta(until - now)})"
    return f"{local:%a %H:%M}"


def short_delta(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}m"
    return fmt_duration(seconds)


def names(people: Any, limit: int = 22) -> Text:
    parts: list[Any] = []
    for i, person in enumerate(people):
        if i:
            parts.append(" + ")
        parts.append(tx.literal(person.display, "bold", limit=limit))
        if not person.known:
            parts.append(("?", WARN))
    return Text.assemble(*parts) if parts else Text("—", style="dim")


def render_compact(view: Any, now: datetime) -> Text:
    """A few lines for a small terminal, most urgent first: an undelivered page, the page
    that waits, then who is on call."""
    from irtui.domain.paging import paging_summary

    lines: list[Text] = []
    bad = [
        p
        for p in view.pages
        if p.delivery == "pagerduty"
        and (
            (view.deliveries.get(p.number) or {}).get("state") in ("failed", "retrying")
            or (view.deliveries.get(p.number) or {}).get("blocked_by")
        )
    ]
    head: list[Any] = [("On call ", "bold"), ("^g", "dim")]
    if bad:
        head.append((f"  !! page #{bad[0].number} NOT DELIVERED", FAILED))
    lines.append(Text.assemble(*head))
    summary = paging_summary(view.pages, now)
    if summary:
        waiting = [p for p in view.pages if p.waiting]
        style = (
            _line_style(page_clock(min(waiting, key=lambda p: p.due), now)) if waiting else "dim"
        )
        lines.append(tx.literal(summary, style or "", limit=200))
    for svc in view.services:
        if not svc.known:
            lines.append(
                Text.assemble(tx.literal(svc.name, "", limit=30), ("  not in catalog", WARN))
            )
            continue
        primary = next((r for r in svc.roles if r.role == "primary"), None)
        who = names(primary.people) if primary and not primary.gap else Text("NOBODY", style=FAILED)
        until = f" → {until_text(primary.until, now)}" if primary and primary.until else ""
        lines.append(Text.assemble(tx.literal(svc.name, "", limit=24), ": ", who, (until, "dim")))
    return _join(lines)


def render(view: Any, now: datetime, *, error: str | None = None, compact: bool = False) -> Text:
    """The panel's text (pure: the snapshot and literal-text tests call it directly)."""
    if compact and view is not None and not error and not view.problem:
        return render_compact(view, now)
    lines: list[Text] = [Text.assemble(("On call", "bold"), ("  ^g page · escalate · ack", "dim"))]
    if error:
        lines.append(Text.assemble(("on-call view failed: ", WARN), tx.literal(error, limit=200)))
    if view is None:
        lines.append(Text("loading…", style="dim"))
        return _join(lines)
    if view.problem:
        lines.append(Text.assemble(("⚠ ", WARN), tx.literal(view.problem, WARN, limit=300)))
    elif view.no_catalog:
        lines.append(Text("no service catalog (docs/oncall.md)", style="dim"))
    elif view.catalog_errors:
        lines.append(
            Text(f"⚠ catalog: {view.catalog_errors} problem(s) — irtui catalog check", style=WARN)
        )
    for group in _grouped(view.services):
        svc = group[0]
        if not svc.known:
            lines.append(
                Text.assemble(
                    tx.literal(svc.name, "bold", limit=40), ("  not in the catalog", WARN)
                )
            )
            continue
        head: list[Any] = [tx.literal(", ".join(s.name for s in group), "bold", limit=60)]
        if svc.owner:
            head += [("  ", ""), tx.literal(svc.owner, "", limit=30)]
        if svc.chat:
            head += [("  ", ""), tx.literal(svc.chat, "#82aaff", limit=24)]
        lines.append(Text.assemble(*head))
        for role in svc.roles:
            label = (f" {role.role[:9]:<10}", "dim")
            if role.gap:
                lines.append(Text.assemble(label, ("NOBODY ON CALL", FAILED)))
                continue
            extra: list[Any] = []
            if role.override:
                extra.append(("  override", "#c792ea"))
            if role.overlap:
                extra.append(("  overlap", WARN))
            lines.append(
                Text.assemble(
                    label,
                    names(role.people),
                    (f" → {until_text(role.until, now)}", "dim"),
                    *extra,
                )
            )
        if svc.chain:
            chain: list[Any] = [(" chain ", "dim")]
            for i, step in enumerate(svc.chain):
                if i:
                    chain.append((" › ", "dim"))
                who = step.person.display.split(" ")[0] if step.person else "—"
                chain += [
                    (f"{step.level} ", "dim"),
                    tx.literal(who, "" if step.person else WARN, limit=14),
                    (f" {short_duration(step.timeout_s)}", "dim"),
                ]
            lines.append(Text.assemble(*chain))
    if view.pages:
        lines.append(Text("Pages", style="bold"))
    for page in view.pages:
        lines.extend(page_lines(page, view.deliveries.get(page.number) or {}, now))
    if not view.pages and (view.services or view.no_catalog):
        lines.append(Text("nobody paged yet", style="dim"))
    return _join(lines)


def _grouped(services: list[Any]) -> list[list[Any]]:
    """Services with the same owner, on-call and policy are shown once, named together."""
    groups: dict[Any, list[Any]] = {}
    for svc in services:
        if not svc.known:
            groups[("unknown", svc.name)] = [svc]
            continue
        key = (
            svc.owner,
            svc.chat,
            svc.policy,
            tuple((r.role, tuple(p.key for p in r.people), r.until) for r in svc.roles),
        )
        groups.setdefault(key, []).append(svc)
    return list(groups.values())


def page_lines(page: Any, delivery: dict[str, Any], now: datetime) -> list[Text]:
    clock = page_clock(page, now)
    if page.state == PageState.OPEN:
        timer = tx.clock(clock)
    else:
        timer = Text(page.state, style="green" if page.state != PageState.ESCALATED else "dim")
    out = [
        Text.assemble(
            (f" #{page.number} ", "dim"),
            tx.literal(page.display, "bold", limit=20),
            " ",
            timer,
            no_wrap=True,
            overflow="ellipsis",
        ),
        Text.assemble(("   ", ""), tx.literal(page_line(page, now), _line_style(clock), limit=200)),
    ]
    state = delivery.get("state")
    blocked = delivery.get("blocked_by")
    if page.delivery == "pagerduty" and blocked:
        out.append(
            Text(
                f" !! PAGE NOT SENT: queued behind page #{blocked['page']}'s failed delivery",
                style=FAILED,
            )
        )
        out.append(
            Text(
                f"   irtui sync --retry {blocked['message_id']} (or --cancel "
                f"{blocked['message_id']})",
                style="bold #ff6b6b",
            )
        )
    elif page.delivery == "pagerduty" and state in ("failed", "retrying"):
        fix = (
            f" — fix it, then irtui sync --retry {delivery.get('message_id')}"
            if state == "failed"
            else " — retrying"
        )
        out.append(Text(f" !! PAGE NOT DELIVERED{fix} ", style=FAILED))
        out.append(
            Text.assemble(
                ("   ", ""), tx.literal(delivery.get("error") or "", "bold #ff6b6b", limit=300)
            )
        )
    elif page.delivery == "pagerduty" and state in ("pending", "sending"):
        out.append(Text("   PagerDuty: sending…", style=WARN))
    elif page.delivery == "none" and page.state == PageState.OPEN:
        out.append(Text("   not sent to PagerDuty: call them", style="dim"))
    return out


def _line_style(clock: Any) -> str:
    if clock.state is ClockState.OVERDUE:
        return "bold #ff6b6b"
    if clock.state is ClockState.WARNING:
        return WARN
    return "dim"


def _join(lines: list[Text]) -> Text:
    for line in lines:
        line.no_wrap = True
        line.overflow = "ellipsis"
    out = Text("\n").join(lines)
    out.no_wrap = True
    out.overflow = "ellipsis"
    return out


class OnCallPanel(Static):
    DEFAULT_CSS = """
    OnCallPanel {
        height: auto;
        max-height: 20;
        margin-top: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, incident_id: str, *, tick_s: float = 1.0, **kwargs: Any) -> None:
        super().__init__(Text("On call\nloading…", style="dim"), **kwargs)
        self.incident_id = incident_id
        self._threaded = True
        self.tick_s = tick_s
        self.view: Any = None
        self.error: str | None = None
        self._shown = ""
        self._marker: int | None = None
        self._gathered_at: datetime | None = None
        self._overdue: set[int] | None = None
        self._loading = False
        try:
            self._first_view()
        except Exception:  # no running app (constructed outside one): on_mount gathers
            self._threaded = True

    def _first_view(self) -> None:
        """Without a catalog the panel needs only the pages (one indexed query): read them
        while the screen is composed, so its first frame is already right (a widget's own
        Mount runs after the screen's first paint)."""
        from irtui.catalog.load import catalog_paths

        if catalog_paths(None):
            return
        from irtui.tui.oncall_view import gather

        self._threaded = False
        now = self.now()
        try:
            self.view = gather(self.store, self.incident_id, now)
            self._marker = self.view.marker
            self._gathered_at = now
        except Exception as exc:
            self.error = str(exc)
        self._overdue = self._overdue_now(now)  # already late when opened: no bell
        compact = self.app.size.height < COMPACT_BELOW
        content = render(self.view, now, error=self.error, compact=compact)
        self._shown = tx.signature(content)
        self.update(content)

    @property
    def store(self) -> Any:
        return self.app.store  # type: ignore[attr-defined]

    def now(self) -> datetime:
        return self.app.now()  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        if self._threaded:
            # One gather at a time (never `exclusive`: a cancelled worker would fail whoever
            # waits for the app's workers); `_loading` is cleared when its data arrives.
            self._loading = True
            self.reload()  # catalog and schedule files: read in a thread
        if self.tick_s > 0:
            self.set_interval(self.tick_s, self._tick, name="oncall-tick")

    @work(thread=True, group="oncall-gather")
    def reload(self, pages_only: bool = False) -> None:
        """Gather everything (thread), or only re-read the pages when the store moved (one
        indexed query; the schedules do not change because someone typed an entry)."""
        from dataclasses import replace

        from irtui.tui.oncall_view import gather, read_pages

        try:
            if pages_only and self.view is not None:
                marker = self.store.change_marker()
                pages, deliveries = read_pages(self.store, self.incident_id)
                view = replace(self.view, pages=pages, deliveries=deliveries, marker=marker)
            else:
                view = gather(self.store, self.incident_id, self.now())
            self.post_message(OnCallData(view, full=not pages_only))
        except Exception as exc:  # shown in the panel, never fatal
            self.post_message(OnCallData(self.view, str(exc)))

    def on_on_call_data(self, message: OnCallData) -> None:
        message.stop()
        self._loading = False
        self.view, self.error = message.view, message.error
        if message.view is not None:
            self._marker = message.view.marker
        if message.full:
            self._gathered_at = self.now()
        self.tick(self.now())

    def _tick(self) -> None:
        self.tick(self.now())

    def tick(self, now: datetime) -> None:
        """Repaint if the text changed; re-gather when the store moved or a shift ended."""
        if not self.is_mounted:
            return
        marker = getattr(self.app, "marker", None)
        view = self.view
        shifts_moved = view is not None and (
            (view.refresh_at is not None and now >= view.refresh_at)
            or (self._gathered_at is not None and now - self._gathered_at >= REFRESH_EVERY)
        )
        pages_moved = view is not None and marker is not None and marker != self._marker
        if (shifts_moved or pages_moved) and not self._loading:
            self._loading = True
            self._marker = marker
            self.reload(pages_only=not shifts_moved)
        self._ring(now)
        self._paint(now)

    def _paint(self, now: datetime) -> None:
        """Repaint only when what the panel shows changed."""
        compact = self.app.size.height < COMPACT_BELOW
        content = render(self.view, now, error=self.error, compact=compact)
        sig = tx.signature(content)
        if sig != self._shown:
            self._shown = sig
            self.update(content)

    def _overdue_now(self, now: datetime) -> set[int]:
        if self.view is None:
            return set()
        return {
            p.number
            for p in self.view.pages
            if p.waiting and page_clock(p, now).state is ClockState.OVERDUE
        }

    def _ring(self, now: datetime) -> None:
        if self.view is None:
            return
        overdue = self._overdue_now(now)
        if self._overdue is not None:
            for number in sorted(overdue - self._overdue):
                page = next(p for p in self.view.pages if p.number == number)
                ring = getattr(self.app, "ring", None)
                if ring is not None:
                    ring()
                self.app.notify(
                    f"{self.incident_id}: {page_line(page, now)}",
                    title="Page not answered",
                    severity="error",
                    markup=False,
                    timeout=15,
                )
        self._overdue = overdue  # already overdue when the panel opened: no bell storm
