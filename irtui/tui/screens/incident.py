"""One incident: header with clocks, role panel, timeline, tasks and the scribe's entry line.

The screen is for typing (`irtui.tui.keys`): it opens with the entry line focused, and a
printable key typed while the timeline or a panel has focus goes to the entry line ("type to
log"). Commands are one-shot: `Esc` arms one (the entry bar turns into the command bar), the
next key runs it and typing resumes; `Esc Esc` goes back to the board; `alt+<key>` is the same
command in one stroke. Enter commits the entry to the store (one durable transaction, on the
store writer's thread) and only the saved text leaves the line, so neither a crash nor a
store held busy by another process can eat what was typed.
The timeline is a `Timeline` (`irtui.tui.widgets.timeline`, on the Line API): entries wrap with
a hanging indent (or one line each in compact mode, `Esc w`), a new entry is appended in place,
and the rows are set again only when an entry was amended, retracted or backdated into the
middle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Label, Static

from irtui.domain.capture import parse_capture
from irtui.domain.clocks import incident_now
from irtui.domain.model import (
    EntryKind,
    Event,
    EventKind,
    Incident,
    Role,
    TimelineEntry,
    role_label,
)
from irtui.domain.quality import quality_badge
from irtui.domain.timeline import build_timeline
from irtui.domain.timeutil import fmt_duration
from irtui.tui import text as tx
from irtui.tui.actions import bindings, commands, display_key
from irtui.tui.brief import OpenTask, open_tasks
from irtui.tui.css import SCREENS_CSS
from irtui.tui.incident_header import header_lines
from irtui.tui.keys import is_text_widget, key_label, meta_command, printable
from irtui.tui.screens.common import IncidentActions
from irtui.tui.widgets.fast_table import FastTable
from irtui.tui.widgets.key_bar import KeyBar
from irtui.tui.widgets.oncall_panel import OnCallPanel
from irtui.tui.widgets.row_list import RowList
from irtui.tui.widgets.timeline import Timeline, prepare

ROLE_ORDER = (Role.COMMANDER, Role.TECH_LEAD, Role.COMMS_LEAD, Role.SCRIBE, Role.DEPUTY)
KIND_CYCLE = tuple(EntryKind)
PANE_KEEPS_SIDE = 120
"""Narrower than this, the runbook pane replaces the roles/tasks panel while it is open."""
NARROW_BELOW = 110
FIRST_ROWS = 300
"""A longer timeline shows its newest entries first and the rest a moment later."""
FIRST_EVENTS = 600
"""Events read before the first paint; an incident with more is read whole by a worker."""
SHORT_ROLE = {
    Role.COMMANDER: "IC",
    Role.TECH_LEAD: "Tech lead",
    Role.COMMS_LEAD: "Comms",
    Role.SCRIBE: "Scribe",
    Role.DEPUTY: "Deputy",
}


def role_warnings(incident: Incident, required: tuple[str, ...]) -> list[str]:
    """What the IC should fix in the role panel (pure: tested without a terminal)."""
    warnings = [
        f"{role_label(r)} is required for SEV{incident.severity} and is empty"
        for r in required
        if r not in incident.roles
    ]
    ic = incident.roles.get(Role.COMMANDER)
    tech = incident.roles.get(Role.TECH_LEAD)
    if ic and tech and ic.name.strip().lower() == tech.name.strip().lower():
        warnings.append(
            f"{ic.name} is both IC and Tech Lead: the IC coordinates, "
            "does not debug — hand one role off"
        )
    return warnings


class EntryInput(Input):
    """The scribe's line. While a command is armed its keys are not text: they bubble to the
    screen, which runs the command. ↑/↓ and PgUp/PgDn move the timeline's selection without
    leaving the line (select an entry, then `Esc e` amends it)."""

    typed_ahead = False
    """Was some of this line typed in a burst right after a dialog closed? Its Enter is
    held once (the person looks, then commits)."""

    BINDINGS = [
        Binding("up", "move_timeline(-1)", "Previous entry", show=False),
        Binding("down", "move_timeline(1)", "Next entry", show=False),
        Binding("pageup", "move_timeline(-10)", "Page up", show=False),
        Binding("pagedown", "move_timeline(10)", "Page down", show=False),
    ]

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if getattr(screen, "command_armed", False) or meta_command(event.key):
            event.prevent_default()  # not text: Input's own handler must not insert it
        elif printable(event):
            typed_ahead = getattr(self.app, "typed_ahead", None)
            if typed_ahead is not None and typed_ahead(extend=True):
                self.typed_ahead = True  # text, kept; but its Enter is held once

    async def _on_paste(self, event: events.Paste) -> None:
        """A paste of several lines is one multi-line entry: it opens in an editor (Enter
        would otherwise keep only its first line, silently)."""
        text = event.text.rstrip("\n")
        if "\n" not in text:
            return  # Input's own paste: one line at the cursor
        event.stop()
        event.prevent_default()
        open_multiline = getattr(self.screen, "open_multiline", None)
        if open_multiline is not None:
            open_multiline(self.value + text)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """While a command is being looked up, letters are not the line's (so Textual's
        binding chain offers the screen's and the app's letter commands)."""
        if getattr(self.screen, "looking_up_command", False):
            return False
        return super().check_consume_key(key, character)

    def action_move_timeline(self, delta: int) -> None:
        move = getattr(self.screen, "move_timeline", None)
        if move is not None:
            move(delta)


def command_hint(width: int = 1000) -> Text:
    """The entry bar while a command is armed: every command key, then how to get out."""
    parts: list[Any] = [(" COMMAND ", "bold black on #ffb000"), "  "]
    for action in commands("incident"):
        parts += [(display_key(action), "bold"), f" {action.title.lower()} · "]
    parts += [("Esc", "bold"), " board · any other key: back to typing"]
    return Text.assemble(*parts, no_wrap=True, overflow="ellipsis")


def held_for(age: timedelta) -> str:
    """How long a role has been held, in whole minutes (`<1m`, `27m`, `2h05m`): the roles
    panel is redrawn once a minute, so it never shows seconds that stand still."""
    minutes = int(age.total_seconds() // 60)
    return "<1m" if minutes < 1 else fmt_duration(timedelta(minutes=minutes)).removesuffix("00s")


class IncidentScreen(IncidentActions):
    CSS_PATH = [SCREENS_CSS]
    SCOPE = "incident"
    AUTO_FOCUS = "#entry"
    BINDINGS = bindings("incident")

    def __init__(self, incident_id: str) -> None:
        super().__init__(id=f"incident-{incident_id}", classes="incident")
        self.incident_id = incident_id
        self.command_armed = False
        self.looking_up_command = False
        self.saving: tuple[Any, str] | None = None  # (write job, the line being saved)
        self.events: list[Event] = []
        self.entries: list[TimelineEntry] = []
        self.tasks: list[OpenTask] = []
        self._roles_minute: datetime | None = None
        self.task_shown: dict[int, str] = {}
        self.default_kind: EntryKind = EntryKind.NOTE
        self.filter = ""
        self._shown_static: dict[str, str] = {}
        self._tasks_sig = ""
        self._detail_height = -1
        self._widths: dict[str, int] = {}
        self._generation = 0
        self._full_pending = False
        self._partial_events = False
        self._badge: str | bool | None = False
        """The imported-history badge, computed when the events change (False: not yet)."""

    # --- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="inc-header")
        yield Input(
            placeholder="Filter the timeline (Esc clears)", id="inc-search", classes="hidden"
        )
        with Horizontal(id="inc-body"):
            with Vertical(id="inc-main"):
                yield Timeline(id="timeline")
                with VerticalScroll(id="entry-detail-box"):
                    yield Static(id="entry-detail")
            with Vertical(id="inc-side"):
                yield Static(id="roles")
                yield OnCallPanel(self.incident_id, id="oncall")  # the on-call mount point
                yield Label("Tasks", classes="side-title")
                yield FastTable(id="tasks", cursor_type="row", show_header=False)
                yield Static(id="presence")
        with Horizontal(id="entry-bar"):
            yield Label("", id="entry-kind")
            yield EntryInput(
                select_on_focus=False,  # coming back to a draft must never select it
                placeholder="type to log · -5m * d: text · TODO: … · Bob: check X, back in "
                "3 min · Enter commits · Esc: a command",
                id="entry",
            )
            yield Static(command_hint(), id="command-hint")
            yield Label("", id="entry-state")
        yield KeyBar("incident", mode="typing")

    @property
    def incident(self) -> Incident:
        return self.irtui.incident(self.incident_id)

    def target_id(self) -> str | None:
        return self.incident_id

    def on_mount(self) -> None:
        for input_id in ("#entry", "#inc-search"):
            self.query_one(input_id, Input).cursor_blink = False
        # the newest events first (one indexed range read): a 5,000-entry incident opens as
        # fast as a short one; the rest is read and measured by a worker after the first paint
        self.events = self.irtui.store.latest_events(self.incident_id, FIRST_EVENTS)
        self._partial_events = len(self.events) >= FIRST_EVENTS
        self.entries = build_timeline(self.events)
        self.query_one("#entry-detail-box").can_focus = False  # scrolled with the selection
        self.show_kind()
        self.render_all()
        self.query_one("#entry").focus()
        self.on_presence()

    def render_all(self) -> None:
        now = self.irtui.now()
        self.render_header(now)
        self.render_roles()
        self.rebuild_timeline()
        self.render_tasks(now)

    # --- header ------------------------------------------------------------------------
    def render_header(self, now: datetime) -> None:
        """The header (`irtui.tui.incident_header`) fitted to the width; its height follows
        its lines (a layout pass only when that number changes, not every tick)."""
        width = max(self.app.size.width - 2, 20)  # the header's padding
        max_lines = 5 if self.app.size.height < 40 else 6
        if self._badge is False:
            self._badge = quality_badge(self.events)
        lines = header_lines(self.incident, now, width, badge=self._badge, max_lines=max_lines)
        content = Text("\n").join(lines)
        content.no_wrap = True
        content.overflow = "ellipsis"
        header = self.query_one("#inc-header", Static)
        if header.styles.height is None or header.styles.height.value != len(lines):
            header.styles.height = len(lines)
        self.set_static("#inc-header", content, layout=False)

    def set_static(self, selector: str, content: Text, *, layout: bool = True) -> None:
        """Update a Static only when what it shows changed; `layout=False` for fixed-size
        ones (the header's clocks tick every second without a layout pass)."""
        sig = tx.signature(content)
        if self._shown_static.get(selector) != sig:
            self._shown_static[selector] = sig
            self.query_one(selector, Static).update(content, layout=layout)

    def set_detail(self, content: Text) -> None:
        """The detail pane needs a layout pass only when its height changes (a layout pass
        costs more than the rest of committing an entry)."""
        width = max(self.query_one("#entry-detail", Static).size.width, 1)
        height = sum(max(1, -(-len(line) // width)) for line in content.plain.split("\n"))
        self.set_static("#entry-detail", content, layout=height != self._detail_height)
        self._detail_height = height

    # --- roles -------------------------------------------------------------------------
    def render_roles(self) -> None:
        inc = self.incident
        now = incident_now(inc, self.irtui.now())  # a drill's roles are held in drill time
        try:
            required = tuple(self.irtui.store.policy.level(inc.severity).required_roles)
        except Exception:
            required = ()
        lines: list[Text] = [Text("Roles", style="bold")]
        roles = list(ROLE_ORDER) + sorted(r for r in inc.roles if r not in ROLE_ORDER)
        for role in roles:
            holder = inc.roles.get(role)
            label = SHORT_ROLE.get(role) or tx.clean(role_label(role), limit=40)
            if holder is None:
                style = "bold #ff6b6b" if role in required else "dim"
                lines.append(Text.assemble((f"{label:<10}", "dim"), ("— empty", style)))
                continue
            line = Text.assemble(
                (f"{label:<10}", "dim"),
                tx.literal(holder.name, "bold", limit=18),
                ("  ", "bold"),  # a separator ends a segment (SVG exports drop leading ones)
                (held_for(now - holder.since), "dim"),
                no_wrap=True,
                overflow="ellipsis",
            )
            lines.append(line)
            offer = inc.handoffs.get(role)
            if offer is not None:
                lines.append(
                    Text.assemble(
                        "          ",
                        ("→ ", "#ffb000"),
                        tx.literal(offer.to, "#ffb000", limit=18),
                        (" accepted, to confirm" if offer.accepted else " (to accept)", "#ffb000"),
                    )
                )
        for warning in role_warnings(inc, required):
            lines.append(
                Text.assemble(
                    ("⚠ ", "bold #ffb000"), tx.literal(warning, "#ffb000", single_line=False)
                )
            )
        self.set_static("#roles", Text("\n").join(lines))

    def on_screen_resume(self) -> None:
        self.irtui.beat()  # the other seats see us here at once, not at the next heartbeat
        if self.is_mounted:  # back from another incident: catch up with what was written
            self.on_store_changed([self.incident_id])
            now = self.irtui.now()
            self.render_header(now)
            self.render_tasks(now)

    def on_unmount(self) -> None:
        self.irtui.call_later(self.irtui.beat)

    def on_presence(self) -> None:
        if not self.query("#presence"):
            return  # not composed yet, or being removed
        others = self.irtui.who_else(self.incident_id)
        self.set_static(
            "#presence",
            Text.assemble(("also here: ", "dim"), tx.literal(", ".join(others), limit=60))
            if others
            else Text("only you here", style="dim"),
        )

    # --- timeline ----------------------------------------------------------------------
    def widths(self) -> dict[str, int]:
        """Column widths from the terminal width (known before layout, so no reflow)."""
        width = self.app.size.width
        # With the runbook pane open the timeline shares the width with it: short stamps and
        # a narrow side panel, so entries keep ~30 columns of text at 160 wide, not 13.
        # Below PANE_KEEPS_SIDE columns three panels leave the timeline no text at all, so the
        # pane takes the roles/tasks panel's place until it is closed again.
        pane = bool(self.query("#runbook-pane"))
        narrow = width < NARROW_BELOW or pane
        side_shown = not (pane and width < PANE_KEEPS_SIDE)
        side = (30 if narrow else (56 if width >= 160 else 42)) if side_shown else 0
        main = width - side - (1 if side_shown else 0)
        if self.is_mounted:
            panel = self.query_one("#inc-side")
            panel.display = side_shown
            if side_shown:
                panel.styles.width = side
        if pane:
            main = main // 2 - 1  # the runbook pane shares the space (both 1fr)
        when = 12 if narrow else 17
        who = 8 if narrow else 10
        text = max(12, main - (when + 3 + who) - 2 * 2 - 3)
        return {
            "narrow": int(narrow),
            "when": when,
            "who": who,
            "text": text,
            "task": max(8, (side or 30) - 2 - 9 - 2 * 2 - 2),
        }

    def _matches(self, entry: TimelineEntry) -> bool:
        if not self.filter:
            return True
        needle = self.filter.lower()
        return (
            needle in entry.text.lower() or needle in entry.author.lower() or needle in entry.kind
        )

    @property
    def timeline(self) -> Timeline:
        return self.query_one("#timeline", Timeline)

    @property
    def row_ids(self) -> list[str]:
        """The timeline's row keys in display order (`e:<event id>`, `day:...`); none
        before the screen is composed."""
        found = self.query("#timeline")
        return found.first(Timeline).keys if found else []

    def rebuild_timeline(self, *, follow: bool = True) -> None:
        """Every row again. A long timeline shows its newest `FIRST_ROWS` entries at once
        (measured here, ~20 µs a row) and the rest once a worker thread has read (if only the
        newest events were read so far) and measured them, after the first paint."""
        timeline = self.timeline
        self._widths = self.widths()
        self._generation += 1
        keep = None if follow else timeline.cursor_key
        shown = [e for e in self.entries if self._matches(e)]
        if len(shown) > FIRST_ROWS or self._partial_events:
            earlier = len(shown) - FIRST_ROWS if not self._partial_events else -1
            timeline.show(shown[-FIRST_ROWS:], cursor_key=keep, earlier=earlier)
            self._full_pending = True
            self._complete_later()
        else:
            self._full_pending = False
            timeline.show(shown, cursor_key=keep)
        self.show_detail()

    def on_timeline_width_known(self, _event: Any) -> None:
        self._complete_later()

    def _complete_later(self) -> None:
        # after the frame that shows the newest rows: a worker reading and measuring 5,000
        # entries holds the GIL for a while, and the first paint must not wait for it
        if self._full_pending and self.timeline.content_width:
            self.call_after_refresh(lambda: self.set_timer(0.02, self._complete_timeline))

    def _complete_timeline(self) -> None:
        """Worker: every event (when only the newest were read), every entry's height at
        the timeline's width; the rows are swapped in on the event loop (`_show_full`)."""
        if not self._full_pending or not self.is_mounted:
            return
        generation, width = self._generation, self.timeline.content_width
        compact, partial = self.timeline.compact, self._partial_events
        store, iid, entries, matches = (
            self.irtui.store,
            self.incident_id,
            self.entries,
            self._matches,
        )

        def complete() -> None:
            events = store.events(iid) if partial else None
            full = build_timeline(events) if events is not None else entries
            prepared = prepare([e for e in full if matches(e)], width, compact=compact)
            self.app.call_from_thread(self._show_full, generation, events, full, prepared)

        self.run_worker(complete, thread=True, group="timeline-complete", exit_on_error=False)

    def _show_full(
        self,
        generation: int,
        events: list[Event] | None,
        entries: list[TimelineEntry],
        prepared: Any,
    ) -> None:
        if generation != self._generation or not self.is_mounted:
            return  # rebuilt meanwhile: a newer worker brings its own rows
        if events is not None:
            last = events[-1].id if events else 0
            newer = [e for e in self.events if (e.id or 0) > (last or 0)]
            self._partial_events = False
            self.events = events + newer
            if newer:  # written while the worker read: measured again with them
                self._badge = False
                self.entries = build_timeline(self.events)
                self.rebuild_timeline()
                return
            self.entries = entries
            self._badge = quality_badge(self.events)
        self._full_pending = False
        timeline = self.timeline
        at_end = timeline.cursor == timeline.row_count - 1
        added = timeline.added_since_show
        timeline.show_prepared(prepared, cursor_key=None if at_end else timeline.cursor_key)
        if added:
            timeline.add(added)  # committed while the rows were being measured
        if at_end:
            timeline.move_cursor(timeline.row_count - 1)
        if events is not None:  # tasks, roles and badges from the whole record now
            now = self.irtui.now()
            self.render_header(now)
            self.render_roles()
            self.render_tasks(now)

    def append_entries(self, new: list[TimelineEntry]) -> None:
        """Fast path: entries that sort after everything shown are appended in place (the
        cursor follows the end if it was there)."""
        self.timeline.add(e for e in new if self._matches(e))
        self.show_detail()

    def selected_row_key(self) -> str | None:
        return self.timeline.cursor_key

    def selected_entry(self) -> TimelineEntry | None:
        return self.timeline.selected_entry

    def action_details(self) -> None:
        from irtui.tui.screens.details import DetailsDialog

        self.app.push_screen(DetailsDialog(self.incident_id))

    def action_copy_link(self) -> None:
        from irtui.tui.screens.details import CopyLinkDialog

        incident = self.incident
        if not incident.links:
            self.notify("No links yet: Esc i adds them (dashboard, bridge, channel, ticket).")
            return
        self.app.push_screen(CopyLinkDialog(incident))

    def action_action_items(self) -> None:
        from irtui.tui.screens.action_items import ActionItemsDialog

        self.app.push_screen(ActionItemsDialog(self.irtui.store, self.incident_id))

    def action_snooze(self) -> None:
        from irtui.tui.screens.snooze import SnoozeDialog

        self.app.push_screen(SnoozeDialog(self.incident_id))

    def action_toggle_compact(self) -> None:
        timeline = self.timeline
        timeline.set_compact(not timeline.compact)
        self.notify(
            "Timeline: one line per entry (Esc w: in full)"
            if timeline.compact
            else "Timeline: every entry in full",
            timeout=2,
            markup=False,
        )

    def show_detail(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            self.set_detail(
                Text(
                    "Select an entry (↑↓ from the entry line) to see it in full; type to log.",
                    style="dim",
                )
            )
            return
        parts: list[Any] = [
            (f"#{entry.event_id} {entry.kind} ", "bold"),
            (f"by {tx.clean(entry.author, limit=40)} at {tx.local_utc(entry.at)}", "dim"),
        ]
        if entry.recorded_at and abs((entry.recorded_at - entry.at).total_seconds()) > 60:
            parts.append((f"  (recorded {tx.local_utc(entry.recorded_at)})", "dim"))
        if entry.flag:
            parts += ["\n", ("⚠ ", "bold #ff6b6b"), tx.literal(entry.flag, "#ff6b6b")]
        parts.append("\n")
        parts.append(
            tx.literal(
                entry.text, "strike" if entry.retracted else "", single_line=False, limit=20000
            )
        )
        if entry.detail:
            parts += [
                "\n",
                ("Brief, as written:\n", "bold"),
                tx.literal(entry.detail, single_line=False),
            ]
        for at, author, previous in entry.amendments:
            parts += [
                "\n",
                (f"was (before {tx.local_utc(at)}, {tx.clean(author)}): ", "italic #ffb000"),
                tx.literal(previous, single_line=False),
            ]
        if entry.retracted is not None:
            at, author, reason = entry.retracted
            parts += [
                "\n",
                (f"RETRACTED {tx.local_utc(at)} by {tx.clean(author)}: ", "bold #ff6b6b"),
                tx.literal(reason, single_line=False),
            ]
        self.set_detail(Text.assemble(*parts))

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        if event.row_list.id == "timeline":
            self.show_detail()

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        event.stop()

    # --- tasks -------------------------------------------------------------------------
    def render_tasks(self, now: datetime, *, force: bool = False) -> None:
        table = self.query_one("#tasks", DataTable)
        self.tasks = open_tasks(self.entries, self.events)
        sig = repr([(t.entry_id, t.text, t.owner, t.due) for t in self.tasks])
        if sig == self._tasks_sig and not force:
            return
        self._tasks_sig = sig
        with self.app.batch_update():
            table.clear(columns=True)
            table.add_column("task", key="task", width=self.widths()["task"])
            table.add_column("timer", key="timer", width=9)
            self.task_shown.clear()
            local = incident_now(self.incident, now)  # a drill's timers run on its clock
            for task in self.tasks:
                timer = self.task_timer(task, local, running=self.incident.is_open)
                self.task_shown[task.entry_id] = tx.signature(timer)
                label = Text.assemble(
                    tx.literal(f"{task.owner}: ", "bold") if task.owner else "",
                    tx.literal(task.text, limit=200),
                    no_wrap=True,
                    overflow="ellipsis",
                )
                table.add_row(label, timer, key=str(task.entry_id))
            if not self.tasks:
                table.add_row(Text("no open tasks", style="dim"), Text(""), key="none")

    @staticmethod
    def task_timer(task: OpenTask, now: datetime, *, running: bool = True) -> Text:
        """A task's countdown; once the incident is resolved its timers stop (a task left
        open is follow-up work, not overdue war-room work)."""
        if not running:
            return Text("stopped", style="dim")
        left = task.remaining_s(now)
        if left is None:
            return Text("—", style="dim")
        if left <= 0:
            return Text(f"-{fmt_duration(-left)}!", style="bold white on #b00020")
        return Text(fmt_duration(left), style="bold #ffb000" if left <= 60 else "")

    def tick(self, now: datetime) -> None:
        if not self.is_mounted or not self.query("#tasks"):
            return  # not composed yet, or being taken down (the app is quitting)
        if self.saving is not None:
            self.show_saving()
        self.render_header(now)
        local = incident_now(self.incident, now)
        minute = local.replace(second=0, microsecond=0)
        if minute != self._roles_minute:  # role ages are whole minutes: redrawn once a minute
            self._roles_minute = minute
            self.render_roles()
        table = self.query_one("#tasks", FastTable)
        running = self.incident.is_open
        for task in self.tasks:
            timer = self.task_timer(task, local, running=running)
            sig = tx.signature(timer)
            if self.task_shown.get(task.entry_id) != sig:
                self.task_shown[task.entry_id] = sig
                table.set_cell(str(task.entry_id), "timer", timer)

    # --- live refresh ------------------------------------------------------------------
    def on_store_changed(self, ids: list[str]) -> None:
        if self.incident_id not in ids or not self.is_mounted or not self.query("#tasks"):
            return
        last = self.events[-1].id if self.events else 0
        new_events = self.irtui.store.events(self.incident_id, after_id=last or 0)
        if not new_events:
            return
        self.events.extend(new_events)
        self._badge = quality_badge(self.events)
        # The usual case, a few entries that sort after everything shown: only they are
        # built and appended (a 5,000-entry timeline is not rebuilt for each line)
        tail_ok = all(
            ev.kind not in (EventKind.ENTRY_AMENDED, EventKind.ENTRY_RETRACTED) for ev in new_events
        )
        added = build_timeline(new_events) if tail_ok else []
        last_shown = self.entries[-1] if self.entries else None
        in_order = tail_ok and (
            last_shown is None
            or all((e.at, e.event_id) >= (last_shown.at, last_shown.event_id) for e in added)
        )
        if in_order:
            self.entries = [*self.entries, *added]
        else:
            self.entries = build_timeline(self.events)
        if in_order and not self.filter:
            self.append_entries(added)
        else:
            self.rebuild_timeline()
        now = self.irtui.now()
        self.render_header(now)
        self.render_roles()
        self.render_tasks(now)

    def on_resize(self) -> None:
        if self.is_mounted and self.widths() != self._widths:
            self.relayout()

    def relayout(self) -> None:
        """Column widths changed (terminal resized, runbook pane shown or hidden): the
        timeline and the task list are both laid out from `widths()`."""
        self.rebuild_timeline(follow=False)
        self.render_tasks(self.irtui.now(), force=True)

    # --- entry line --------------------------------------------------------------------
    def show_kind(self) -> None:
        self.query_one("#entry-kind", Label).update(
            Text(f"{tx.kind_icon(self.default_kind)} {self.default_kind} ▸", style="bold")
        )

    def action_cycle_kind(self) -> None:
        index = KIND_CYCLE.index(self.default_kind)
        self.default_kind = KIND_CYCLE[(index + 1) % len(KIND_CYCLE)]
        self.show_kind()

    def action_entry_line(self) -> None:
        self.query_one("#entry", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "inc-search":
            self.query_one("#entry").focus()
            return
        if event.input.id != "entry":
            return
        line = event.value
        if not line.strip():
            return
        entry = self.query_one("#entry", EntryInput)
        if self.irtui.typed_ahead() or entry.typed_ahead:
            entry.typed_ahead = False
            self.notify(
                "Enter typed while a dialog was closing: not committed. Check the line and "
                "press Enter again.",
                severity="warning",
                markup=False,
            )
            return
        if self.saving is not None:
            self.notify("Still saving the previous line (the store is busy)…", markup=False)
            return
        try:
            now = incident_now(self.incident, self.irtui.now())  # `-5m` in a drill's time
            captured = parse_capture(line, now, self.default_kind)
        except Exception as exc:  # keep the line: nothing was written
            self.notify(str(exc), title="Entry not saved", severity="error", markup=False)
            return
        iid = self.incident_id

        def log(store: Any) -> Any:
            return store.log(
                iid,
                captured.text,
                kind=str(captured.kind),
                at=captured.at,
                starred=captured.starred,
                task=captured.task,
            )

        def saved(_event: Any) -> None:
            self.saving = None
            entry = self.query_one("#entry", EntryInput)
            entry.typed_ahead = False
            # Only what was saved leaves the line: text typed while the store was busy stays.
            if entry.value == line:
                entry.value = ""
            elif entry.value.startswith(line):
                entry.value = entry.value[len(line) :].lstrip()
            self.show_saving()

        def refused(exc: Exception) -> None:
            self.saving = None
            self.show_saving()
            self.notify(str(exc), title="Entry not saved", severity="error", markup=False)

        job = self.irtui.write(log, then=saved, failed=refused, label="entry")
        self.saving = (job, line)
        self.set_timer(0.45, self.show_saving)

    def show_saving(self) -> None:
        """The entry bar says when the store makes a line wait (another process holds the
        write lock): the line is kept and saved as soon as the store is free."""
        if not self.is_mounted:
            return
        state = self.query_one("#entry-state", Label)
        bar = self.query_one("#entry-bar")
        job = self.saving[0] if self.saving else None
        waited = 0.0
        if job is not None:
            import time

            waited = time.monotonic() - job.queued_at
        busy = job is not None and waited >= 0.4
        bar.set_class(busy, "-busy")
        state.display = busy
        if busy:
            state.update(
                Text(f" store busy, retrying… {int(waited)}s · your line is kept ", "bold")
            )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "inc-search":
            self.filter = event.value.strip()
            self.rebuild_timeline()

    def action_search(self) -> None:
        search = self.query_one("#inc-search", Input)
        search.remove_class("hidden")
        search.focus()

    def open_multiline(self, text: str) -> None:
        from irtui.tui.screens.dialogs import MultilineEntryDialog

        def done(saved: bool | None) -> None:
            if saved:
                self.query_one("#entry", Input).value = ""

        self.app.push_screen(MultilineEntryDialog(self.incident_id, text, self.default_kind), done)

    def unsaved_text(self) -> list[str]:
        """The entry line's text (typed, or waiting for a busy store): quitting asks first."""
        if not self.is_mounted:
            return []
        value = self.query_one("#entry", Input).value
        return [value] if value.strip() else []

    def close_search(self) -> None:
        search = self.query_one("#inc-search", Input)
        search.value = ""
        self.filter = ""
        search.add_class("hidden")
        self.rebuild_timeline()
        self.query_one("#entry").focus()

    def action_back(self) -> None:
        self.disarm()
        self.irtui.back_to_board()

    # --- the keyboard model ------------------------------------------------------------
    def action_command_mode(self) -> None:
        self.arm()

    def arm(self) -> None:
        """`Esc`: the next key is one command (the entry bar says so)."""
        self.command_armed = True
        self.query_one("#entry-bar").add_class("-command")
        self.query_one(KeyBar).set_mode("command")

    def disarm(self) -> None:
        if not self.command_armed:
            return
        self.command_armed = False
        if self.is_mounted:
            self.query_one("#entry-bar").remove_class("-command")
            self.query_one(KeyBar).set_mode("typing")

    async def on_key(self, event: events.Key) -> None:
        """Keys the focused widget did not take, before any binding: this is where typing
        and commanding are told apart."""
        key = event.key
        if self.command_armed:
            event.stop()
            event.prevent_default()
            self.disarm()
            if key == "escape":
                self.action_back()
            else:
                await self.run_command(key, key_label(event))
            return
        meta = meta_command(key)
        if (meta is not None or key == "escape") and self.irtui.typed_ahead(extend=True):
            # an Esc (or Alt+key) typed while a dialog closed was meant for the dialog: it
            # must not arm a command the next typed letter would run
            event.stop()
            event.prevent_default()
            return
        if meta is not None:
            event.stop()
            event.prevent_default()
            await self.run_command(meta, meta)
            return
        if key == "escape":
            event.stop()
            event.prevent_default()
            search = self.query_one("#inc-search", Input)
            if search.has_focus or self.filter:
                self.close_search()
            else:
                self.arm()
            return
        if printable(event) and not is_text_widget(self.focused):
            event.stop()
            event.prevent_default()
            # The key goes to the line through its own handler (in arrival order: keys typed
            # after the focus moved are queued behind it), so the line's cursor and
            # selection rules apply exactly as if it had been typed there.
            entry = self.query_one("#entry", Input)
            entry.focus()
            entry.post_message(events.Key(key, event.character))

    async def run_command(self, key: str, label: str) -> None:
        """Run the binding `key` has from the focused widget up (a panel's own keys first,
        then this screen's, then the app's), or say that it has none."""
        self.looking_up_command = True
        try:
            found = self.active_bindings.get(key)
        finally:
            self.looking_up_command = False
        if found is None or not found.enabled or key in ("enter", "tab", "shift+tab"):
            self.notify(
                f"'{label}': no command. Esc then a key runs one (Esc ? lists them); "
                "Esc Esc: the board. Back to typing.",
                severity="warning",
                timeout=4,
                markup=False,
            )
            return
        await self.app.run_action(found.binding.action, found.node)

    def move_timeline(self, delta: int) -> None:
        timeline = self.timeline
        if timeline.row_count:
            timeline.move_cursor(min(max(timeline.cursor + delta, 0), timeline.row_count - 1))

    # --- entry actions -----------------------------------------------------------------
    def _editable(self) -> TimelineEntry | None:
        entry = self.selected_entry()
        if entry is None or entry.source != "entry":
            self.notify(
                "Select a typed timeline entry first (system lines are facts).", severity="warning"
            )
            return None
        return entry

    def _ask_then(
        self,
        command: Callable[[Any, str, int, str], object],
        title: str,
        help_text: str,
        done_message: str,
        **prompt: str,
    ) -> None:
        """Prompt for one line about the selected entry, then run `command(store, incident,
        entry id, line)` (amend or retract: both are new events, the original stays)."""
        from irtui.tui.screens.dialogs import PromptDialog

        entry = self._editable()
        if entry is None:
            return
        iid, eid = self.incident_id, entry.event_id

        def done(value: str | None) -> None:
            if value is not None:
                self.irtui.write(
                    lambda store: command(store, iid, eid, value), done_message.format(eid=eid)
                )

        self.app.push_screen(PromptDialog(title.format(eid=eid), help_text, **prompt), done)

    def action_edit_entry(self) -> None:
        entry = self._editable()
        if entry is not None:
            self._ask_then(
                lambda store, iid, eid, text: store.amend(iid, eid, text),
                "Amend entry #{eid}",
                "The original text stays in the history.",
                "Entry #{eid} amended (the original is kept)",
                value=entry.text,
            )

    def action_retract_entry(self) -> None:
        self._ask_then(
            lambda store, iid, eid, reason: store.retract(iid, eid, reason),
            "Retract entry #{eid}",
            "Why? The entry stays visible, struck through, with your reason.",
            "Entry #{eid} retracted (still shown, struck through)",
            placeholder="reason",
        )

    def action_decision(self) -> None:
        from irtui.tui.screens.dialogs import DecisionDialog

        self.app.push_screen(DecisionDialog(self.incident_id))

    def highlighted_task(self) -> OpenTask | None:
        """The task under the tasks panel's cursor: `k` acts on it and nothing else (never on
        the task of whatever timeline row happens to be selected)."""
        if not self.tasks:
            return None
        table = self.query_one("#tasks", DataTable)
        return self.tasks[min(max(table.cursor_row, 0), len(self.tasks) - 1)]

    def action_task_done(self) -> None:
        task = self.highlighted_task()
        if task is None:
            self.notify("No open tasks.", severity="warning")
            return
        iid = self.incident_id
        self.irtui.write(
            lambda store: store.append(
                iid,
                EventKind.TASK_DONE,
                {"text": task.text, "owner": task.owner},
                refers_to=task.entry_id,
            ),
            f"Task done: {tx.clean(task.text, limit=60)} — Esc z undoes",
        )

    def action_undo(self) -> None:
        """Reopen the task this seat marked done last (a `task_reopened` event)."""
        from irtui.tui.brief import last_done_by

        done = last_done_by(self.events, self.irtui.store.author)
        if done is None:
            self.notify("Nothing to undo: no task you marked done is still done.")
            return
        iid = self.incident_id
        text = str(done.payload.get("text", ""))
        self.irtui.write(
            lambda store: store.append(
                iid,
                EventKind.TASK_REOPENED,
                {"text": text, "owner": done.payload.get("owner")},
                refers_to=done.refers_to,
            ),
            f"Task reopened: {tx.clean(text, limit=60)}",
        )

    async def action_runbook_pane(self) -> None:
        existing = self.query("#runbook-pane")
        if existing:
            await existing.remove()
            self.relayout()
            return
        try:
            from irtui.tui.widgets.runbook_pane import (  # type: ignore[import-not-found]
                RunbookPane,
            )
        except ImportError:
            self.notify("The runbook pane is not installed in this build.", severity="warning")
            return
        pane = RunbookPane(self.irtui.store, self.incident_id)
        pane.id = "runbook-pane"
        await self.query_one("#inc-body").mount(pane, after="#inc-main")
        self.relayout()

    def action_postmortem(self) -> None:
        try:
            from irtui.tui.screens.postmortem import (  # type: ignore[import-not-found]
                PostmortemScreen,
            )
        except ImportError:
            self.notify("Postmortems are not installed in this build.", severity="warning")
            return
        self.app.push_screen(PostmortemScreen(self.irtui.store, self.incident_id))
