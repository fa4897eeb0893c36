"""After declaring on a service: what depends on it (the blast radius), offered — never forced —
as more services of the incident, and the services the catalog does not know, flagged.

`offer_blast_radius(app, incident_id)` is the declare dialog's hook: it reads the catalog in a
worker thread and opens `BlastRadiusDialog` only when there is something to say.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Static

from irtui.tui import text as tx
from irtui.tui.css import SCREENS_CSS


def blast_for(incident: Any) -> tuple[list[Any], list[str]]:
    """(dependants not on the incident, with the service they depend on; unknown services)."""
    from irtui.catalog.graph import blast_radius
    from irtui.tui.oncall_view import catalog_now

    catalog = catalog_now()
    if catalog.empty:
        return [], []
    services = list(incident.services)
    unknown = [s for s in services if catalog.service(s) is None]
    known = [catalog.service(s).key for s in services if catalog.service(s) is not None]
    radius = [a for a in blast_radius(catalog, known) if a.service not in services]
    return radius, unknown


def catalog_links_for(incident: Any) -> list[tuple[str, str]]:
    """The catalog's links of the incident's services (dashboard, alerts, runbook)."""
    from irtui.catalog.links import inherited_links
    from irtui.tui.oncall_view import catalog_now

    catalog = catalog_now()
    return [] if catalog.empty else inherited_links(catalog, list(incident.services))


def offer_blast_radius(app: Any, incident_id: str) -> None:
    """Also adopts the catalog's links for the incident's services (written by the store
    writer, like every write of the TUI)."""

    def work() -> None:
        try:
            incident = app.store.get(incident_id)
            radius, unknown = blast_for(incident)
            links = catalog_links_for(incident)
        except Exception as exc:  # the incident is declared; the hint is only a hint
            app.call_from_thread(
                app.notify, f"catalog not read: {exc}", severity="warning", markup=False
            )
            return
        if links:
            names = ", ".join(name for name, _ in links)
            app.call_from_thread(
                app.write,
                lambda store: store.adopt_links(incident_id, links),
                f"Links from the service catalog: {names}",
                label="catalog links",
            )
        if radius or unknown:
            app.call_from_thread(app.push_screen, BlastRadiusDialog(incident_id, radius, unknown))

    app.run_worker(work, thread=True, group="blast-radius", name="blast-radius")


class BlastRadiusDialog(ModalScreen[list[str] | None]):
    CSS_PATH = [SCREENS_CSS]
    BINDINGS = [
        Binding("escape", "cancel", "Not now"),
        Binding("ctrl+s", "add", "Add selected", priority=True),
    ]
    DEFAULT_CSS = "#blast-box { width: 90; }"

    def __init__(self, incident_id: str, radius: list[Any], unknown: list[str]) -> None:
        super().__init__(id="blast-dialog")
        self.incident_id = incident_id
        self.radius = radius
        self.unknown = unknown

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="blast-box"):
            yield Label(f"Blast radius — {self.incident_id}", classes="dialog-title")
            for name in self.unknown:
                yield Static(
                    Text.assemble(
                        ("⚠ ", "bold #ffb000"),
                        tx.literal(name, "bold", limit=60),
                        (" is not in the service catalog (kept on the incident)", "#ffb000"),
                    )
                )
            if self.radius:
                yield Static(
                    Text("These depend on the incident's services. Add them?", style="dim")
                )
            for i, affected in enumerate(self.radius):
                label = Text.assemble(
                    tx.literal(affected.service, "bold", limit=40),
                    (f"  depends on {tx.clean(affected.via, limit=40)}", "dim"),
                )
                yield Checkbox(label, value=affected.depth == 1, id=f"blast-{i}")
            with Horizontal(classes="dialog-buttons"):
                if self.radius:
                    yield Button("Add selected (ctrl+s)", id="blast-add", variant="primary")
                yield Button("Not now", id="blast-cancel")

    def selected(self) -> list[str]:
        return [
            a.service
            for i, a in enumerate(self.radius)
            if self.query_one(f"#blast-{i}", Checkbox).value
        ]

    def action_add(self) -> None:
        chosen = self.selected()
        if not chosen:
            self.dismiss(None)
            return
        app: Any = self.app
        store, iid = app.store, self.incident_id

        def add() -> Any:
            incident = store.get(iid)
            return store.change_details(iid, services=[*incident.services, *chosen])

        if app.attempt(add, f"{iid}: added {', '.join(chosen)}"):
            self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "blast-add":
            self.action_add()
        else:
            self.action_cancel()
