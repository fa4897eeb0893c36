"""Editing an incident's details and links from the TUI, and copying a link.

`DetailsDialog` (`Esc i`): title, services, the impact sentence and its parts (who, how many,
regions), and the four standard links (dashboard, bridge, channel, ticket) plus any others the
incident has. Only what changed is saved, as `details_changed` and `link_set` events in one
transaction (`Store.edit_incident`) on the app's store writer: a refused link (a `javascript:`
address) leaves the details unchanged too, and the dialog stays open with what was typed.

`CopyLinkDialog` (`Esc y`): the incident's links in a list; Enter copies the highlighted one to
the clipboard (OSC 52, through Textual), for a terminal without hyperlink support.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from irtui.domain.details import IMPACT_PARTS, PART_LABELS
from irtui.domain.links import STANDARD, ordered
from irtui.domain.links import label as link_label
from irtui.domain.model import Incident
from irtui.tui import text as tx
from irtui.tui.css import SCREENS_CSS
from irtui.tui.screens.dialogs import Dialog


def split_services(value: str) -> list[str]:
    return [s.strip() for s in value.split(",") if s.strip()]


def changes(
    incident: Incident, values: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str | None]]:
    """What the dialog's fields change (pure: tested without a terminal): keywords for
    `change_details`, and links to set (None removes one)."""
    details: dict[str, Any] = {}
    if values["title"].strip() != incident.title:
        details["title"] = values["title"].strip()
    if split_services(values["services"]) != incident.services:
        details["services"] = split_services(values["services"])
    parts = {k: values[k].strip() for k in IMPACT_PARTS}
    if parts != {k: incident.impact_parts.get(k, "") for k in IMPACT_PARTS}:
        details["parts"] = parts
    if values["impact"].strip() != incident.impact:
        details["impact"] = values["impact"].strip()
    links: dict[str, str | None] = {}
    for name in link_names(incident):
        typed = values.get(f"link-{name}", "").strip()
        current = incident.links.get(name, "")
        if typed != current:
            links[name] = typed or None
    return details, links


def link_names(incident: Incident) -> list[str]:
    return list(STANDARD) + [n for n, _ in ordered(incident.links) if n not in STANDARD]


class DetailsDialog(Dialog):
    """Title, services, impact and links of one incident."""

    WHAT = "the details dialog"

    def __init__(self, incident_id: str) -> None:
        super().__init__(classes="details")
        self.incident_id = incident_id

    def compose(self) -> ComposeResult:
        inc = self.irtui.incident(self.incident_id)
        with Vertical(classes="dialog", id="details-box"):
            yield Label(Text.assemble("Details of ", (inc.id, "bold")), classes="dialog-title")
            with VerticalScroll(id="details-fields"):
                yield from self.field("Title", "title", inc.title)
                yield from self.field("Services (a, b)", "services", ", ".join(inc.services))
                yield from self.field("Impact (a sentence)", "impact", inc.impact)
                for part in IMPACT_PARTS:
                    yield from self.field(
                        f"  {PART_LABELS[part].lower()}", part, inc.impact_parts.get(part, "")
                    )
                yield Static(
                    Text(
                        "Links: a web address (http/https) becomes a link; a channel name or "
                        "ticket key is fine. Empty removes one.",
                        style="dim",
                    ),
                    classes="help-line links-help",
                )
                for name in link_names(inc):
                    yield from self.field(link_label(name), f"link-{name}", inc.links.get(name, ""))
            yield self.buttons("Save (ctrl+s)")

    @staticmethod
    def field(label: str, field_id: str, value: str) -> ComposeResult:
        """A labelled one-line field (label beside it: the dialog fits in 80x24)."""
        yield Horizontal(
            Label(Text(label), classes="field-label"),
            Input(value=value, id=field_id, select_on_focus=False, compact=True),
            classes="field-row",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#title", Input).focus()

    def values(self) -> dict[str, str]:
        return {str(w.id): w.value for w in self.query(Input)}

    def action_submit(self) -> None:
        inc = self.irtui.incident(self.incident_id)
        details, links = changes(inc, self.values())
        if not details and not links:
            self.dismiss(False)
            return
        iid = self.incident_id
        self.save(
            lambda store: store.edit_incident(iid, details=details or None, links=links or None),
            f"{iid}: details saved",
            lambda _result: self.dismiss(True),
        )


class CopyLinkDialog(ModalScreen[str | None]):
    """Pick a link; Enter copies it (the value exactly as saved) to the clipboard."""

    CSS_PATH = [SCREENS_CSS]

    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    def __init__(self, incident: Incident) -> None:
        super().__init__(classes="details")
        self.incident = incident
        self.values = [value for _name, value in ordered(incident.links)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="copy-box"):
            yield Label(Text(f"Copy a link of {self.incident.id}"), classes="dialog-title")
            options = [
                Option(
                    Text.assemble(
                        (f"{link_label(name):<10} ", "bold"), tx.link(value, value, "#82aaff")
                    )
                )
                for name, value in ordered(self.incident.links)
            ]
            yield OptionList(*options, id="copy-links")
            yield Static(
                Text("Enter copies the highlighted link · Esc closes", style="dim"),
                classes="help-line",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        value = self.values[event.option_index]
        self.app.copy_to_clipboard(value)
        self.notify(f"Copied: {tx.clean(value, limit=80)}", markup=False)
        self.dismiss(value)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
