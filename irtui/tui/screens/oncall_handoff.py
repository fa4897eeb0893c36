"""The on-call hand-off screen (F9, or the palette's "On-call hand-off"): the brief for the
incoming on-call of a team — who hands over to whom and when, open incidents with their clocks
and pages, incidents of the last shift, open action items, overrides coming up. The same brief
as `irtui oncall handoff TEAM`, built in a worker thread from the store and the schedules.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from irtui.tui import text as tx
from irtui.tui.css import SCREENS_CSS


class BriefReady(Message):
    def __init__(
        self, teams: list[tuple[str, str]], team: str | None, text: str, error: str = ""
    ) -> None:
        super().__init__()
        self.teams = teams
        self.team = team
        self.text = text
        self.error = error


class OnCallHandoffScreen(ModalScreen[None]):
    CSS_PATH = [SCREENS_CSS]
    BINDINGS = [Binding("escape", "close", "Close")]
    DEFAULT_CSS = """
    #handoff-box { width: 120; max-width: 98%; height: 90%; }
    #handoff-scroll { height: 1fr; background: $boost; padding: 0 1; }
    #handoff-team { width: 40; }
    """

    def __init__(self, team: str | None = None, incident_id: str | None = None) -> None:
        super().__init__(id="oncall-handoff")
        self.team = team
        self.incident_id = incident_id
        """Without a team: the owner team of this incident's services comes first."""
        self._teams: list[tuple[str, str]] = []
        self._shown_once = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="handoff-box"):
            yield Label(
                "On-call hand-off — the brief for the incoming on-call", classes="dialog-title"
            )
            with Horizontal(classes="row"):
                yield Select([], prompt="team", id="handoff-team", allow_blank=True)
            with VerticalScroll(id="handoff-scroll"):
                yield Static(Text("loading…", style="dim"), id="handoff-brief")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="handoff-close")

    def on_mount(self) -> None:
        self.load(self.team)

    @work(thread=True, group="oncall-handoff")
    def load(self, team_key: str | None) -> None:
        try:
            from irtui.oncall.handoff import build_handoff, render_handoff
            from irtui.oncall.resolve import OnCall
            from irtui.tui.oncall_view import catalog_now

            catalog = catalog_now()
            teams = sorted(
                ((t.key, t.display) for t in catalog.teams.values() if t.oncall), key=lambda x: x[0]
            )
            if not teams:
                self.post_message(
                    BriefReady(
                        [],
                        None,
                        "",
                        "No team has an on-call schedule in the catalog (docs/oncall.md).",
                    )
                )
                return
            app: Any = self.app
            if team_key is None and self.incident_id is not None:
                for name in app.store.get(self.incident_id).services:
                    service = catalog.service(name)
                    owner = catalog.owner_team(service) if service else None
                    if owner is not None and owner.oncall:
                        team_key = owner.key
                        break
            key = team_key if team_key in {k for k, _ in teams} else teams[0][0]
            team = catalog.team(key)
            now = app.now()
            brief = build_handoff(app.store, OnCall(catalog), team, now, now)
            self.post_message(BriefReady(teams, key, render_handoff(brief)))
        except Exception as exc:
            self.post_message(BriefReady(self._teams, team_key, "", str(exc)))

    def on_brief_ready(self, message: BriefReady) -> None:
        message.stop()
        if self._shown_once and message.team != self.team:
            return  # an older request (the team was changed meanwhile)
        self._shown_once = True
        select = self.query_one("#handoff-team", Select)
        if message.teams != self._teams:
            self._teams = message.teams
            select.set_options([(Text(tx.clean(name or key)), key) for key, name in message.teams])
        if message.team is not None and select.value != message.team:
            self.team = message.team
            select.value = message.team
        brief = self.query_one("#handoff-brief", Static)
        if message.error:
            brief.update(tx.literal(message.error, "#ffb000", single_line=False))
        else:
            brief.update(_styled(message.text))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.team:
            self.team = event.value
            self.load(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(None)


def _styled(text: str) -> Text:
    """The plain brief with its section titles in bold (every line is literal text)."""
    lines = []
    for line in text.split("\n"):
        style = "bold" if line and not line.startswith(" ") else ""
        lines.append(tx.literal(line, style, limit=400))
    return Text("\n").join(lines)
