"""`IrtuiApp`: the war-room TUI.

The app owns the three timers every screen shares, so the cost does not grow with the number
of incidents on screen:
- one 1 Hz *tick* that recomputes countdowns from stored deadlines (screens update only the
  cells whose text changed) and rings the terminal bell once when a clock goes overdue;
- one ~0.5 s *poll* of `store.change_marker()`; only incidents in `changed_since(marker)` are
  re-read, so another terminal's `irtui log` shows up within a second at the cost of one
  indexed query when nothing changed;
- one presence heartbeat every `HEARTBEAT_S`.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import ModalScreen, Screen

from irtui.domain.clocks import ClockState, all_clocks
from irtui.domain.model import Incident
from irtui.domain.timeutil import Clock, to_utc
from irtui.paths import styles_dir
from irtui.tui.actions import bindings, for_scope
from irtui.tui.task_timers import TaskWatch
from irtui.tui.text import clean

try:  # the presence table is optional for old stores / other helpers' timing
    from irtui.store.presence_repo import HEARTBEAT_S, PresenceRepo
except ImportError:  # pragma: no cover
    PresenceRepo = None  # type: ignore[assignment,misc]
    HEARTBEAT_S = 5


class IrtuiApp(App[None]):
    """Keyboard-first incident war room on one `Store`."""

    TITLE = "irtui"
    CSS_PATH = [str(styles_dir() / "app.tcss")]
    BINDINGS = bindings("app")

    def __init__(
        self,
        store: Any,
        *,
        clock: Clock | None = None,
        seat_name: str | None = None,
        poll_s: float = 0.5,
        tick_s: float = 1.0,
        heartbeat: bool = True,
        background_sync: bool = True,
        bell: bool = True,
        open_incident: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.clock: Clock = clock or store.clock
        self.seat_name = seat_name or store.author
        self.seat_id = uuid.uuid4().hex[:12]
        self.poll_s = poll_s
        self.tick_s = tick_s
        self.heartbeat_enabled = heartbeat and PresenceRepo is not None
        self.background_sync = background_sync
        self.bell_enabled = bell
        self.open_incident = open_incident
        self.incidents: dict[str, Incident] = {}
        self.marker = 0
        self._overdue: set[tuple[str, str]] = set()
        self.outbox_summary: str = ""
        self.task_watch = TaskWatch()

    # --- life cycle -------------------------------------------------------------------
    def now(self) -> datetime:
        return to_utc(self.clock())

    def get_default_screen(self) -> Screen[Any]:
        """The board *is* the default screen (one screen to build before the first paint),
        with the open incidents loaded before it mounts."""
        from irtui.tui.screens.board import BoardScreen

        self.load()
        return BoardScreen()

    def load(self) -> None:
        self.marker = self.store.change_marker()  # marker first: nothing slips between
        self.incidents = {i.id: i for i in self.store.list_incidents()}
        self._overdue = self._overdue_keys(self.now())  # already red at start: no bell storm

    def on_mount(self) -> None:
        self.set_interval(self.tick_s, self.tick, name="tick")
        self.set_interval(self.poll_s, self.poll, name="poll")
        if self.open_incident:
            self.open(self.open_incident)
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        """Presence, task timers and the status-page worker are not needed for the first
        frame."""
        self._reload_tasks([i.id for i in self.incidents.values() if i.is_open], initial=True)
        if self.heartbeat_enabled:
            self.beat()
            self.set_interval(HEARTBEAT_S, self.beat, name="heartbeat")
        self._start_outbox()

    def on_unmount(self) -> None:
        if self.heartbeat_enabled:
            with contextlib.suppress(Exception):
                PresenceRepo(self.store.db).leave(self.seat_id)

    # --- shared timers ------------------------------------------------------------------
    def _overdue_keys(self, now: datetime) -> set[tuple[str, str]]:
        return {
            (i.id, c.name)
            for i in self.incidents.values()
            if i.is_open
            for c in all_clocks(i, now)
            if c.state is ClockState.OVERDUE
        }

    def tick(self) -> None:
        """Once a second: countdowns on every visible screen, and the bell on a new overdue."""
        now = self.now()
        overdue = self._overdue_keys(now)
        fresh = overdue - self._overdue
        self._overdue = overdue
        if fresh:
            self.ring()
            for iid, name in sorted(fresh):
                self.notify(f"{iid}: {name} is OVERDUE", severity="error", markup=False)
        expired = self.task_watch.expired(now, self.incidents)
        if expired:
            self.ring()
            for task in expired:
                owner = f"{task.owner}: " if task.owner else ""
                self.notify(
                    f"{task.incident_id} · {owner}{clean(task.text, limit=120)} — "
                    "time is up, check in (k on the incident marks it done)",
                    title="Task timer expired",
                    severity="warning",
                    markup=False,
                    timeout=15,
                )
        for screen in self.visible_screens():
            tick = getattr(screen, "tick", None)
            if tick is not None:
                tick(now)

    def visible_screens(self) -> list[Screen[Any]]:
        """The top screen, plus the ones showing through modal dialogs above them."""
        shown: list[Screen[Any]] = []
        for screen in reversed(self.screen_stack):
            shown.append(screen)
            if not isinstance(screen, ModalScreen):
                break
        return shown

    def ring(self) -> None:
        if self.bell_enabled:
            self.bell()

    def poll(self) -> list[str]:
        """Re-read only what changed since the last marker; tell the screens which ids."""
        try:
            marker = self.store.change_marker()
        except Exception as exc:  # a locked/vanished store must not kill the war room
            self.sub_title = f"store unreadable: {exc}"
            return []
        self.refresh_presence()
        if marker == self.marker:
            return []
        if marker < self.marker:  # the store was replaced (restored, re-pointed): reload all
            self.load()
            ids = sorted(self.incidents)
        else:
            ids = self.store.changed_since(self.marker, marker)
            self.marker = marker
        for iid in ids:
            try:
                self.incidents[iid] = self.store.get(iid)
            except Exception:
                self.incidents.pop(iid, None)
        self._reload_tasks(ids)
        from irtui.tui.screens.handoff import announce_offers

        announce_offers(self, ids)  # a hand-off waiting for this seat is said, once
        for screen in self.screen_stack:
            handler = getattr(screen, "on_store_changed", None)
            if handler is not None:
                handler(ids)
        return ids

    def _reload_tasks(self, ids: list[str], *, initial: bool = False) -> None:
        try:
            self.task_watch.reload(
                self.store.db, ids, self.now(), initial=initial, incidents=self.incidents
            )
        except Exception:  # timers are a reminder, never a reason to stop the war room
            return

    def refresh_now(self) -> None:
        """After our own write: show it at once instead of waiting for the next poll."""
        self.poll()

    def current_incident_id(self) -> str | None:
        """The incident on the base (non-modal) screen, if any."""
        return getattr(self.visible_screens()[-1], "incident_id", None)

    def beat(self) -> None:
        """Presence heartbeat: every HEARTBEAT_S and whenever the seat changes incident."""
        if not self.heartbeat_enabled:
            return
        incident_id = self.current_incident_id()
        try:
            PresenceRepo(self.store.db).heartbeat(
                self.seat_id, self.seat_name, incident_id, self.now()
            )
        except Exception:
            return
        for screen in self.screen_stack:
            handler = getattr(screen, "on_presence", None)
            if handler is not None:
                handler()

    def refresh_presence(self) -> None:
        """Another seat arriving shows within one poll (a tiny indexed query)."""
        for screen in self.visible_screens():
            handler = getattr(screen, "on_presence", None)
            if handler is not None:
                handler()

    def who_else(self, incident_id: str) -> list[str]:
        if not self.heartbeat_enabled:
            return []
        try:
            seats = PresenceRepo(self.store.db).who(self.now(), incident_id)
        except Exception:
            return []
        return sorted({s.name for s in seats if s.seat != self.seat_id})

    def _start_outbox(self) -> None:
        if not self.background_sync:
            return
        self._start_paging()
        try:
            from irtui.sync.background import OutboxWorker  # type: ignore[import-not-found]
        except ImportError:
            return
        try:
            worker = OutboxWorker(self.store)
        except Exception as exc:
            self.notify(f"status-page sync off: {exc}", severity="warning", markup=False)
            return
        self.update_outbox_summary()
        if getattr(worker, "enabled", False):
            self.run_worker(
                worker.run_forever(self.update_outbox_summary),
                name="outbox",
                group="outbox",
                exclusive=True,
            )

    def _start_paging(self) -> None:
        """PagerDuty pages go out from every seat (the outbox keeps them once-only)."""
        try:
            from irtui.sync.pagerduty_worker import PagingWorker
        except ImportError:  # pragma: no cover
            return
        worker = PagingWorker(self.store)
        self.run_worker(
            worker.run_forever(self.update_outbox_summary),
            name="paging",
            group="paging",
            exclusive=True,
        )

    def update_outbox_summary(self, *_: Any) -> None:
        try:
            from irtui.store.outbox_repo import OutboxRepo  # type: ignore[import-not-found]

            summary = OutboxRepo(self.store.db).summary()
        except Exception:
            return
        get: Callable[[str], Any] = (
            summary.get if isinstance(summary, dict) else lambda k: getattr(summary, k, 0)
        )
        pending = sum(int(get(k) or 0) for k in ("pending", "sending", "retrying"))
        failed = int(get("failed") or 0)
        self.outbox_summary = (
            f"outbox: {pending} pending, {failed} failed" if pending or failed else ""
        )

    # --- navigation and app-wide actions ----------------------------------------------
    def open(self, incident_id: str) -> None:
        from irtui.tui.screens.incident import IncidentScreen

        try:
            incident = self.store.get(incident_id)
        except Exception as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.incidents[incident.id] = incident
        self.push_screen(IncidentScreen(incident.id))

    def incident(self, incident_id: str) -> Incident:
        if incident_id not in self.incidents:
            self.incidents[incident_id] = self.store.get(incident_id)
        return self.incidents[incident_id]

    def attempt(self, fn: Callable[[], Any], done: str | None = None) -> Any:
        """Run one store command; domain refusals become a notification, not a crash."""
        try:
            result = fn()
        except Exception as exc:
            self.notify(str(exc), title="Not done", severity="error", markup=False)
            return None
        self.refresh_now()
        if done:
            self.notify(done, markup=False)
        self.notify_cleaned()
        return result if result is not None else True

    def notify_cleaned(self) -> None:
        """Say what the text boundary took out of what was just saved (never silent)."""
        notices = getattr(self.store, "last_notices", ())
        if notices:
            self.notify(
                "; ".join(notices),
                title="Saved without control characters",
                severity="warning",
                markup=False,
                timeout=10,
            )

    def offer_status_page_resolve(self, incident_id: str) -> None:
        """Resolving an incident that is on the status page offers (never forces) resolving it
        there too: the publish screen opens prefilled, status `resolved`, components back to
        operational; Escape leaves the status page as it is."""
        try:
            from irtui.sync.publish import resolve_offer
            from irtui.tui.screens.publish import PublishScreen
        except ImportError:  # pragma: no cover - sync not installed
            return
        try:
            text = resolve_offer(self.store, incident_id)
        except Exception as exc:  # the resolve itself succeeded; say why there is no offer
            self.notify(f"status page not checked: {exc}", severity="warning", markup=False)
            return
        if text:
            self.push_screen(PublishScreen(self.store, incident_id, text, "resolved"))

    def action_goto(self) -> None:
        from irtui.tui.screens.dialogs import PromptDialog

        def done(value: str | None) -> None:
            if value:
                self.open(value.strip())

        self.push_screen(
            PromptDialog(
                "Go to incident",
                "Any incident by id (INC-7, inc-7 or 7), resolved and closed "
                "ones too: their timeline, postmortem (m) and clocks as recorded.",
                placeholder="INC-7",
            ),
            done,
        )

    def action_declare(self) -> None:
        from irtui.tui.screens.dialogs import DeclareDialog

        self.push_screen(DeclareDialog())

    def action_help(self) -> None:
        from irtui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_runbooks(self) -> None:
        try:
            from irtui.tui.screens.runbooks import (  # type: ignore[import-not-found]
                RunbookBrowserScreen,
            )
        except ImportError:
            self.notify("Runbooks are not installed in this build.", severity="warning")
            return
        self.push_screen(
            RunbookBrowserScreen(
                store=self.store, incident_id=getattr(self.screen, "incident_id", None)
            )
        )

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every registry action of the app and of the current screen, in the palette."""
        yield from super().get_system_commands(screen)
        scope = getattr(screen, "SCOPE", None)
        for action in for_scope("app") + (for_scope(scope) if scope else []):
            target = self if action.scope == "app" else screen
            key = action.key_display or action.key
            yield SystemCommand(
                action.title,
                f"{action.help}  (key: {key})",
                partial(target.run_action, action.action),
            )
