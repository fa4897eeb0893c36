"""Quick actions shared by the board (on the highlighted row) and the incident screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

if TYPE_CHECKING:
    from irtui.tui.protocols import WarRoom


class IncidentActions(Screen[Any]):
    """Ack, severity, status, resolve, composer and roles for `target_id()`."""

    @property
    def irtui(self) -> WarRoom:
        return self.app  # type: ignore[return-value]

    def target_id(self) -> str | None:
        raise NotImplementedError

    def _target(self) -> str | None:
        iid = self.target_id()
        if iid is None:
            self.notify("No incident selected.", severity="warning")
        return iid

    def action_ack(self) -> None:
        iid = self._target()
        if iid:
            self.irtui.write(lambda store: store.ack(iid), f"{iid} acknowledged")

    def action_severity(self) -> None:
        from irtui.tui.screens.dialogs import SeverityDialog

        iid = self._target()
        if iid:
            self.app.push_screen(SeverityDialog(iid))

    def action_status(self) -> None:
        from irtui.tui.screens.dialogs import StatusDialog

        iid = self._target()
        if iid:
            self.app.push_screen(StatusDialog(iid))

    def action_resolve(self) -> None:
        from irtui.tui.screens.resolve import ResolveDialog

        iid = self._target()
        if iid:
            self.app.push_screen(ResolveDialog(iid))

    def action_mitigated(self) -> None:
        from irtui.tui.screens.milestones import MitigatedDialog

        iid = self._target()
        if iid:
            self.app.push_screen(MitigatedDialog(iid))

    def action_times(self) -> None:
        from irtui.tui.screens.milestones import TimesDialog

        iid = self._target()
        if iid:
            self.app.push_screen(TimesDialog(iid))

    def action_compose(self) -> None:
        from irtui.tui.screens.composer import ComposerScreen

        iid = self._target()
        if iid:
            self.app.push_screen(ComposerScreen(iid))

    def action_roles(self) -> None:
        """While a role the policy requires is empty: name the empty roles in one pass
        (`StaffDialog`); otherwise (or when a hand-off step waits for this seat) the roles
        dialog and its hand-off protocol."""
        from irtui.tui.screens.staff import StaffDialog, empty_roles, required_roles

        iid = self._target()
        if not iid:
            return
        from irtui.tui.screens.handoff import offers_for

        incident = self.app.incident(iid)  # type: ignore[attr-defined]
        required = required_roles(self.app, incident)
        empty = empty_roles(incident, required)
        waiting = offers_for(incident, str(self.app.store.author))  # type: ignore[attr-defined]
        if any(r in required for r in empty) and not waiting:
            self.app.push_screen(StaffDialog(iid))
            return
        from irtui.domain.model import Role
        from irtui.tui.screens.handoff import RolesScreen

        # a step waiting for this seat first; then an empty role (`r name Enter` assigns it,
        # never offers the IC's role away)
        role = waiting[0] if waiting else empty[0] if empty else Role.COMMANDER
        self.app.push_screen(RolesScreen(iid, role=role))

    def action_page(self) -> None:
        """ctrl+g: the page dialog (irtui/tui/screens/page_dialog.py)."""
        from irtui.tui.screens.page_dialog import PageDialog

        iid = self._target()
        if iid:
            self.app.push_screen(PageDialog(iid))

    def action_oncall_handoff(self) -> None:
        """F9: the on-call hand-off brief (irtui/tui/screens/oncall_handoff.py)."""
        from irtui.tui.screens.oncall_handoff import OnCallHandoffScreen

        self.app.push_screen(OnCallHandoffScreen(incident_id=self.target_id()))
