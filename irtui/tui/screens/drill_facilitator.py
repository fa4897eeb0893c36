"""The facilitator's seat: the script, what has been played, what comes next and when (in drill
time), and the keys to fire, skip, improvise, pause, resume and change speed.

`irtui drill facilitate INC` (and `irtui drill run`) open `FacilitatorApp`, the ordinary war
room with this screen as its first one; the players use the ordinary TUI on the same store.
The app drives the drill: once a second it asks the runner to fire what is due (a write only
when something is; the decision is taken inside the store's transaction, so a second
facilitator seat or a headless runner never plays an inject twice).

The screen has no text field: every key is a command. Text is typed only in the improvise
dialog, a modal whose input has focus, so nothing typed there can fire a command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Select, Static

from irtui.domain.timeutil import fmt_duration
from irtui.tui import text as tx
from irtui.tui.actions import bindings
from irtui.tui.css import SCREENS_CSS
from irtui.tui.protocols import WarRoom
from irtui.tui.screens.dialogs import Dialog
from irtui.tui.widgets.fast_table import FastTable
from irtui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from irtui.drills.runner import DrillView

STATE_TEXT: dict[str, tuple[str, str]] = {
    "fired": ("played", "green"),
    "skipped": ("skipped", "dim strike"),
    "due": ("due now", "bold #ffb000"),
    "scheduled": ("next", "bold"),
    "waiting": ("waiting", "#4fc3f7"),
    "moot": ("not needed", "dim"),
    "on_ask": ("on ask", "#c792ea"),
    "not_reached": ("not reached", "dim"),
}
SIDE_FROM = 100
"""Narrower than this, the script takes the whole width (the briefing panel is hidden)."""
SPEEDS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)

FACILITATOR_CSS = """
DrillFacilitatorScreen #drill-header {
    height: 3; padding: 0 1; background: $panel; text-wrap: nowrap; text-overflow: ellipsis;
}
DrillFacilitatorScreen #drill-body { height: 1fr; }
DrillFacilitatorScreen #drill-script { width: 1fr; height: 1fr; }
DrillFacilitatorScreen #drill-side {
    width: 44; border-left: solid $primary-darken-2; padding: 0 1;
}
DrillFacilitatorScreen #drill-briefing { height: auto; }
DrillFacilitatorScreen #drill-detail { height: auto; max-height: 8; margin-top: 1; }
DrillFacilitatorScreen .side-title { text-style: bold; margin-top: 1; }
DrillFacilitatorScreen #drill-sink { height: auto; }
"""


def reflow(text: str) -> str:
    """A YAML block's hard-wrapped lines joined into paragraphs (blank lines kept), so the
    briefing wraps to the panel instead of to the file's width."""
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


class DrillFacilitatorScreen(Screen[Any]):
    CSS_PATH = [SCREENS_CSS]
    SCOPE = "drill_facilitator"
    DEFAULT_CSS = FACILITATOR_CSS
    BINDINGS = bindings("drill_facilitator")
    AUTO_FOCUS = "#drill-script"

    def __init__(self, incident_id: str) -> None:
        super().__init__(id="drill-facilitator")
        self.incident_id = incident_id
        self.view: DrillView | None = None
        self._rows_sig = ""
        self._shown: dict[str, str] = {}

    @property
    def irtui(self) -> WarRoom:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="drill-header")
        with Horizontal(id="drill-body"):
            yield FastTable(id="drill-script", cursor_type="row", show_header=True)
            with VerticalScroll(id="drill-side"):
                yield Static(id="drill-briefing")
                yield Static(id="drill-detail")
                yield Label("Would have been sent (drill sink)", classes="side-title")
                yield Static(id="drill-sink")
        yield KeyBar("drill_facilitator")

    def on_mount(self) -> None:
        self.refresh_view()
        self.query_one("#drill-script").focus()

    # --- reading ------------------------------------------------------------------------
    def load_view(self) -> DrillView | None:
        from irtui.drills.runner import view

        try:
            self.view = view(self.irtui.store, self.incident_id)
        except Exception as exc:
            self.notify(str(exc), severity="error", markup=False)
            return None
        return self.view

    def refresh_view(self) -> None:
        v = self.load_view()
        if v is None:
            return
        self.render_header(v)
        self.render_script(v)
        self.render_side(v)

    def tick(self, now: Any = None) -> None:
        if not self.is_mounted:
            return
        v = self.load_view()
        if v is not None:
            self.render_header(v)
            self.render_script(v)

    def on_store_changed(self, ids: list[str]) -> None:
        if self.incident_id in ids and self.is_mounted:
            self.refresh_view()

    # --- rendering ----------------------------------------------------------------------
    def _set(self, selector: str, content: Text) -> None:
        sig = tx.signature(content)
        if self._shown.get(selector) != sig:
            self._shown[selector] = sig
            self.query_one(selector, Static).update(content)

    def render_header(self, v: DrillView) -> None:
        from irtui.drills.engine import next_up
        from irtui.drills.offsets import drill_elapsed

        inc = v.incident
        top = Text.assemble(
            ("DRILL ", "bold black on #c792ea"),
            " ",
            (inc.id, "bold"),
            "  ",
            tx.literal(inc.title, "bold", limit=200),
            no_wrap=True,
            overflow="ellipsis",
        )
        if v.state is None:
            self._set("#drill-header", Text.assemble(top, "\nno script: declared with --drill"))
            return
        st = v.state
        running = st.running and inc.is_open
        state = ("running", "bold green") if running else ("PAUSED", "bold black on #ffb000")
        if not inc.is_open:
            state = ("over: " + ("deleted" if inc.deleted_at else str(inc.status)), "bold")
        upcoming = next_up(v.rows)
        if upcoming is None:
            nxt: list[Any] = [("nothing more scheduled", "dim")]
        elif upcoming.due is None:
            nxt = [
                ("next: ", "dim"),
                upcoming.inject.id,
                (f" ({upcoming.inject.when_text()})", "dim"),
            ]
        else:
            left = upcoming.due - v.now
            nxt = [
                ("next: ", "dim"),
                tx.literal(upcoming.inject.id, "bold", limit=40),
                f" at {drill_elapsed(st.started, upcoming.due)}",
                (f" (in {fmt_duration(max(left.total_seconds(), 0))} drill time)", "dim"),
            ]
        clock = Text.assemble(
            ("drill clock ", "dim"),
            (drill_elapsed(st.started, v.now), "bold"),
            "  ",
            (f"×{st.speed:g}", "bold"),
            "  ",
            state,
            "   ",
            *nxt,
            no_wrap=True,
            overflow="ellipsis",
        )
        ack = inc.milestones.get("acknowledged")
        players = Text.assemble(
            ("players: ", "dim"),
            tx.severity(inc.severity),
            " ",
            tx.status(str(inc.status)),
            ("  ack ", "dim"),
            drill_elapsed(st.started, ack) if ack else "—",
            ("  IC ", "dim"),
            tx.literal(inc.commander or "—", limit=20),
            ("  played ", "dim"),
            f"{len(st.fired)}/{len(v.rows)}",
            (f" · improvised {len(st.improvised)}" if st.improvised else "", "dim"),
            no_wrap=True,
            overflow="ellipsis",
        )
        content = Text("\n").join([top, clock, players])
        content.no_wrap = True
        content.overflow = "ellipsis"
        self._set("#drill-header", content)

    def render_script(self, v: DrillView) -> None:
        from irtui.drills.offsets import drill_elapsed

        table = self.query_one("#drill-script", FastTable)
        if v.state is None:
            return
        rows = []
        for row in v.rows:
            label, style = STATE_TEXT.get(row.state, (row.state, ""))
            if row.state == "fired" and row.event is not None:
                label = f"played {drill_elapsed(v.state.started, row.event.at)}"
            elif row.state in ("scheduled", "due") and row.due is not None:
                label = f"{label} {drill_elapsed(v.state.started, row.due)}"
            text = (
                row.inject.text if not row.inject.ask else f"{row.inject.ask} → {row.inject.text}"
            )
            rows.append(
                (
                    row.inject.id,
                    [
                        tx.literal(row.inject.when_text(), limit=32),
                        tx.literal(row.inject.label, limit=18),
                        Text(label, style=style),
                        tx.literal(text, limit=400),
                    ],
                )
            )
        sig = repr([(k, [c.plain for c in cells]) for k, cells in rows])
        width = self.app.size.width
        shape = f"{width}:{[k for k, _ in rows]}"
        if self._rows_sig.split("|", 1)[0] != shape:
            cursor = table.cursor_row
            with self.app.batch_update():
                table.clear(columns=True)
                wide = width >= SIDE_FROM
                when = min(max((len(c[0].plain) for _, c in rows), default=4), 32 if wide else 16)
                side = 44 if wide else 0
                kind, state = (17, 16) if wide else (11, 15)
                self.query_one("#drill-side").display = wide
                table.add_column("when", key="when", width=when)
                table.add_column("kind", key="kind", width=kind)
                table.add_column("state", key="state", width=state)
                table.add_column(
                    "inject", key="text", width=max(width - side - when - kind - state - 10, 12)
                )
                for key, cells in rows:
                    table.add_row(*cells, key=key)
            if 0 <= cursor < len(rows):
                table.move_cursor(row=cursor)
        elif self._rows_sig != f"{shape}|{sig}":
            table.set_cells(
                [
                    (key, col, cell)
                    for key, cells in rows
                    for col, cell in zip(("when", "kind", "state", "text"), cells, strict=True)
                ]
            )
        self._rows_sig = f"{shape}|{sig}"

    def render_side(self, v: DrillView) -> None:
        from irtui.drills.record import sink_messages

        if v.state is not None:
            sc = v.state.scenario
            tell = "do not tell the players" if sc.severity_hint == "hidden" else "you may say so"
            hint = (
                f"severity: starts SEV{sc.severity}; the key says SEV{sc.expected_severity} "
                f"({tell})"
            )
            brief = Text.assemble(
                ("Briefing — read it to the players", "bold"),
                "\n",
                tx.literal(reflow(sc.briefing) or "—", single_line=False, limit=4000),
                "\n",
                (f"tests: {', '.join(sc.tests) or '—'} · {hint}", "dim"),
            )
            self._set("#drill-briefing", brief)
        try:
            sent = sink_messages(self.irtui.store, self.incident_id)
        except Exception:
            sent = []
        lines = [
            Text.assemble(
                (f"#{m['id']} {m['provider']}: ", "bold"),
                tx.literal(m["body"], limit=160),
                no_wrap=True,
                overflow="ellipsis",
            )
            for m in sent[-8:]
        ]
        self._set(
            "#drill-sink", Text("\n").join(lines) if lines else Text("nothing yet", style="dim")
        )
        self.show_detail()

    def show_detail(self) -> None:
        row = self.selected()
        if row is None:
            return
        inj = row.inject
        parts: list[Any] = [(f"{inj.id}", "bold"), f" · {inj.label} · {inj.when_text()}\n"]
        if inj.ask:
            parts += [("asked: ", "dim"), tx.literal(inj.ask, single_line=False), "\n"]
        parts.append(tx.literal(inj.text, single_line=False, limit=4000))
        if inj.runbook or inj.service:
            parts.append(("\n" + " · ".join(x for x in (inj.service, inj.runbook) if x), "dim"))
        self._set("#drill-detail", Text.assemble(*parts))

    def on_data_table_row_highlighted(self, event: FastTable.RowHighlighted) -> None:
        self.show_detail()

    def selected(self) -> Any:
        if self.view is None or not self.view.rows:
            return None
        table = self.query_one("#drill-script", FastTable)
        index = table.cursor_row
        return self.view.rows[index] if 0 <= index < len(self.view.rows) else None

    # --- actions --------------------------------------------------------------------------
    def _do(self, fn: Any, done: str) -> Any:
        result = self.irtui.attempt(fn, done)
        self.refresh_view()
        return result

    def action_fire(self) -> None:
        from irtui.drills import runner

        row = self.selected()
        if row is None:
            return
        store, iid, inject = self.irtui.store, self.incident_id, row.inject.id
        self._do(lambda: runner.fire(store, iid, inject), f"Played {inject}")

    def action_skip(self) -> None:
        from irtui.drills import runner

        row = self.selected()
        if row is None:
            return
        store, iid, inject = self.irtui.store, self.incident_id, row.inject.id
        self._do(
            lambda: runner.skip(store, iid, inject, "skipped by the facilitator"),
            f"Skipped {inject}",
        )

    def action_improvise(self) -> None:
        self.app.push_screen(ImproviseDialog(self.incident_id), lambda _: self.refresh_view())

    def action_toggle_pause(self) -> None:
        from irtui.drills import runner

        if self.view is None or self.view.state is None:
            return
        store, iid = self.irtui.store, self.incident_id
        if self.view.state.running:
            self._do(lambda: runner.pause(store, iid), "Drill paused: the drill clock stands still")
        else:
            self._do(lambda: runner.resume(store, iid), "Drill resumed")

    def _speed(self, faster: bool) -> None:
        from irtui.drills import runner

        if self.view is None or self.view.state is None:
            return
        speed = self.view.state.speed
        options = [s for s in SPEEDS if (s > speed if faster else s < speed)]
        if not options:
            self.notify(f"Already at ×{speed:g}", severity="warning")
            return
        new = min(options) if faster else max(options)
        store, iid = self.irtui.store, self.incident_id
        self._do(lambda: runner.set_speed(store, iid, new), f"Drill clock ×{new:g}")

    def action_faster(self) -> None:
        self._speed(True)

    def action_slower(self) -> None:
        self._speed(False)

    def action_open_incident(self) -> None:
        self.irtui.open(self.incident_id)

    def action_debrief(self) -> None:
        from irtui.tui.screens.drill_debrief import DrillDebriefScreen

        self.app.push_screen(DrillDebriefScreen(self.incident_id))

    def action_end_drill(self) -> None:
        from irtui.drills import runner

        def done(yes: bool | None) -> None:
            if yes:
                store, iid = self.irtui.store, self.incident_id
                self._do(lambda: runner.end(store, iid), f"{iid} ended: D shows the debrief")

        self.app.push_screen(EndDrillDialog(self.incident_id), done)


class ImproviseDialog(Dialog):
    """An inject the script does not have: a kind and its text (the only text on this seat)."""

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id

    def compose(self) -> ComposeResult:
        from irtui.drills.scenario import INJECT_KINDS

        with Vertical(classes="dialog"):
            yield Label(f"Improvise an inject — {self.incident_id}", classes="dialog-title")
            yield Select(
                [(spec.label, key) for key, spec in INJECT_KINDS.items() if key != "clue"],
                value="news",
                allow_blank=False,
                id="improvise-kind",
            )
            yield Input(
                placeholder="what happens (the players see it on their timeline)",
                id="improvise-text",
            )
            yield self.buttons("Play it (enter)")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#improvise-text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        from irtui.drills import runner

        text = self.query_one("#improvise-text", Input).value
        if not text.strip():
            self.notify("Type what happens first (Escape cancels).", severity="error")
            return
        kind = str(self.query_one("#improvise-kind", Select).value)
        store, iid = self.irtui.store, self.incident_id
        if self.irtui.attempt(
            lambda: runner.improvise(store, iid, text, kind), "Improvised inject played"
        ):
            self.dismiss(True)


class EndDrillDialog(ModalScreen[bool]):
    """Ending a drill is rare and heavy: it asks first."""

    CSS_PATH = [SCREENS_CSS]

    BINDINGS = [("escape", "no", "Keep going"), ("enter", "yes", "End it")]

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"End drill {self.incident_id}?", classes="dialog-title")
            yield Static(
                Text(
                    "Its incident is resolved ('drill ended by the facilitator'), nothing more "
                    "is played, and the debrief scores what happened. Enter ends it, Escape "
                    "keeps it running."
                ),
                classes="help-line",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("End the drill (enter)", id="yes", variant="error")
                yield Button("Keep going (esc)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)
