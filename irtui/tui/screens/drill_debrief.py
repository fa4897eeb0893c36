"""The drill debrief on screen: the scores against the policy, the answer key and the seeds'
benchmarks, and what the team missed — `a` files the selected finding as an action item of
the drill (once; a filed one says so).

Everything shown comes from `irtui.drills.debrief` (the same figures as `irtui drill report`);
user and scenario text is shown through `irtui.tui.text` (never markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from irtui.tui import text as tx
from irtui.tui.actions import bindings
from irtui.tui.css import SCREENS_CSS
from irtui.tui.widgets.fast_table import FastTable
from irtui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from irtui.drills.debrief import Debrief
    from irtui.tui.protocols import WarRoom

DEBRIEF_CSS = """
DrillDebriefScreen #debrief-scroll { height: 1fr; padding: 0 1; }
DrillDebriefScreen #debrief-scores { height: auto; }
DrillDebriefScreen .side-title { text-style: bold; margin-top: 1; }
DrillDebriefScreen #debrief-findings { height: auto; max-height: 14; }
"""
VERDICT_STYLES = {
    "top quartile": "bold green",
    "better than median": "green",
    "worse than median": "bold #ff6b6b",
    "within the answer key": "green",
    "later than the answer key": "bold #ff6b6b",
    "not mitigated": "bold #ff6b6b",
    "never named": "bold #ff6b6b",
    "not acknowledged": "bold #ff6b6b",
}


def scores_renderable(d: Debrief) -> Group:
    """The scores, updates, hand-offs, runbooks and answer key as Rich tables of `Text`."""
    from irtui.domain.model import role_label
    from irtui.domain.timeutil import fmt_duration
    from irtui.drills.offsets import drill_elapsed

    head = Text.assemble(
        ("Debrief ", "bold"),
        (d.incident_id, "bold"),
        "  ",
        tx.literal(d.title, "bold", limit=200),
        ("\nscenario ", "dim"),
        tx.literal(d.scenario_id or "— (no script)", limit=60),
        ("  tests ", "dim"),
        tx.literal(", ".join(d.tests) or "—", limit=60),
        ("  drill clock ", "dim"),
        drill_elapsed(d.started, d.ended or d.drill_now),
        (" (resolved)" if d.ended else " (still running)", "dim"),
    )
    scores = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    for name in ("measure", "value", "target", "verdict"):
        scores.add_column(name, no_wrap=name != "target")
    for f in d.figures:
        style = next((s for k, s in VERDICT_STYLES.items() if f.verdict.startswith(k)), "")
        if f.verdict.startswith("missing"):
            style = "bold #ff6b6b"
        scores.add_row(
            Text(f.label),
            Text(f.shown, style="bold"),
            tx.literal(f.target, limit=90),
            Text(f.verdict, style=style),
        )
    updates = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    for name in ("audience", "cadence", "sent", "first", "on cadence", "worst gap"):
        updates.add_column(name, no_wrap=True)
    for u in d.updates:
        on = f"{u['on_cadence']}/{u['gaps']}" if u["gaps"] else "—"
        updates.add_row(
            u["audience"],
            fmt_duration(u["cadence_s"]) if u["cadence_s"] else "—",
            str(u["sent"]),
            u["first_at"],
            Text(
                on,
                style="dim"
                if not u["gaps"]
                else ("green" if u["on_cadence"] == u["gaps"] else "bold #ff6b6b"),
            ),
            fmt_duration(u["worst_gap_s"]),
        )
    rest: list[Any] = []
    for h in d.handoffs:
        ok = h["followed"]
        rest.append(
            Text.assemble(
                ("✓ " if ok else "✗ ", "green" if ok else "bold #ff6b6b"),
                f"{role_label(h['role'])} hand-off ",
                tx.literal(h["from"] or "—", limit=30),
                " → ",
                tx.literal(h["to"] or "—", limit=30),
                f" at {h['offered_at']}: brief {'yes' if h['brief'] else 'no'}, "
                f"accepted {h['accepted_at'] or 'no'}",
            )
        )
    for r in d.runbooks:
        opened = r["opened_at"]
        rest.append(
            Text.assemble(
                ("✓ " if opened else "✗ ", "green" if opened else "bold #ff6b6b"),
                "runbook ",
                tx.literal(r["runbook"], limit=60),
                f": opened {opened}, {r['steps_ticked']} of {r['steps_total'] or '?'} steps ticked"
                if opened
                else ": never opened",
            )
        )
    for e in d.expectations:
        rest.append(
            Text.assemble(
                ("✓ " if e["met"] else "✗ ", "green" if e["met"] else "bold #ff6b6b"),
                tx.literal(e["what"], limit=80),
                f" by {e['by']}" if e["by"] else "",
                (f"  (at {e['at']})" if e["at"] else "  (never)", "dim"),
            )
        )
    for k in d.answer_key:
        rest.append(
            Text.assemble(
                ("✓ " if k["found"] else "✗ ", "green" if k["found"] else "bold #ff6b6b"),
                f"{k['kind']}: ",
                tx.literal(k["text"], limit=120),
                (f"  (at {k['at']})" if k["found"] else "", "dim"),
            )
        )
    asked, available = d.clues
    rest.append(
        Text(
            f"clues asked for {asked} of {available} · improvised injects {d.improvised} · "
            f"would have been sent {len(d.would_have_sent)} (drill sink)",
            style="dim",
        )
    )
    return Group(head, Text(""), scores, Text(""), updates, Text(""), *rest)


class DrillDebriefScreen(Screen[Any]):
    CSS_PATH = [SCREENS_CSS]
    SCOPE = "drill_debrief"
    DEFAULT_CSS = DEBRIEF_CSS
    BINDINGS = bindings("drill_debrief")
    AUTO_FOCUS = "#debrief-findings"

    def __init__(self, incident_id: str) -> None:
        super().__init__(id="drill-debrief")
        self.incident_id = incident_id
        self.debrief: Debrief | None = None
        self.filed: set[str] = set()

    @property
    def irtui(self) -> WarRoom:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="debrief-scroll"):
            yield Static(id="debrief-scores")
            yield Label(
                "What the team missed — a: file the selected one as an action item",
                classes="side-title",
            )
            yield FastTable(id="debrief-findings", cursor_type="row", show_header=False)
        yield KeyBar("drill_debrief")

    def on_mount(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        from irtui.drills.record import filed_titles, score

        try:
            self.debrief = score(self.irtui.store, self.incident_id)
            self.filed = filed_titles(self.irtui.store, self.incident_id)
        except Exception as exc:
            self.notify(str(exc), title="No debrief", severity="error", markup=False)
            return
        self.query_one("#debrief-scores", Static).update(scores_renderable(self.debrief))
        self.render_findings()

    def render_findings(self) -> None:
        assert self.debrief is not None
        table = self.query_one("#debrief-findings", FastTable)
        cursor = table.cursor_row
        width = max(self.app.size.width - 30, 30)
        with self.app.batch_update():
            table.clear(columns=True)
            table.add_column("filed", key="filed", width=12)
            table.add_column("finding", key="finding", width=width)
            for n, f in enumerate(self.debrief.findings):
                filed = " ".join(f.action.split())[:300] in self.filed
                table.add_row(
                    Text(
                        "✓ filed" if filed else f"{n + 1}. {f.type}",
                        style="green" if filed else "dim",
                    ),
                    Text.assemble(
                        tx.literal(f.text, limit=300),
                        ("  → ", "dim"),
                        tx.literal(f.action, "italic", limit=300),
                        no_wrap=True,
                        overflow="ellipsis",
                    ),
                    key=str(n),
                )
            if not self.debrief.findings:
                table.add_row(
                    Text(""),
                    Text("Nothing missed: every expectation was met.", style="green"),
                    key="none",
                )
        if 0 <= cursor < table.row_count:
            table.move_cursor(row=cursor)

    def action_file_action(self) -> None:
        from irtui.drills.record import file_action

        if self.debrief is None or not self.debrief.findings:
            self.notify("No finding to file.", severity="warning")
            return
        table = self.query_one("#debrief-findings", FastTable)
        index = table.cursor_row
        if not 0 <= index < len(self.debrief.findings):
            return
        finding = self.debrief.findings[index]
        store, iid = self.irtui.store, self.incident_id
        item = self.irtui.attempt(lambda: file_action(store, iid, finding))
        if item:
            self.notify(
                f"Action item #{item.id} filed: {tx.clean(item.title, limit=80)}", markup=False
            )
            self.action_refresh()

    def action_back(self) -> None:
        self.dismiss()
