"""`IrtuiApp`: the war-room TUI.

The app owns the three timers every screen shares, so the cost does not grow with the number
of incidents on screen:
- one 1 Hz *tick* that recomputes countdowns from stored deadlines (screens update only the
  cells whose text changed) and rings the terminal bell once when a clock goes overdue;
- one ~0.5 s *poll* of `store.change_marker()`; only incidents in `changed_since(marker)` are
  re-read, so another terminal's `irtui log` shows up within a second at the cost of one
  indexed query when nothing changed;
- one presence heartbeat every `HEARTBEAT_S`.

Navigation: the board is the default screen stack (`BOARD_MODE`); each incident opened gets
a mode (a stack) of its own, so `g`/`n` from an incident — or from its postmortem — switch
stacks instead of pushing a second incident screen, and whatever was being typed there (the
entry line, a postmortem section, a dialog) is still there when the person comes back. A stack
holding no unsaved text is let go when it is left.

Store writes go through `write()`: one writer thread on its own connection (`StoreWriter`),
so a store held busy by another process never freezes the screen. Quitting asks first and
lists typed text that is not saved. A crash writes its traceback to a log file in the user
state directory and the terminal shows only a short message with that path.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.filter import LineFilter
from textual.screen import ModalScreen, Screen
from textual.widget import AwaitMount

from irtui.domain.clocks import ClockState, all_clocks, incident_now
from irtui.domain.model import Incident
from irtui.domain.timeutil import Clock, to_utc
from irtui.tui.actions import bindings
from irtui.tui.collection_hold import CollectionHold
from irtui.tui.css import APP_CSS, preload_screens_css
from irtui.tui.keys import TYPEAHEAD_GRACE_S
from irtui.tui.page_watch import PageWatch
from irtui.tui.safety import NoControlCharacters
from irtui.tui.task_timers import TaskWatch
from irtui.tui.text import clean
from irtui.tui.writer import StoreWriter, WriteJob

try:  # the presence table is optional for old stores / other helpers' timing
    from irtui.store.presence_repo import HEARTBEAT_S, PresenceRepo
except ImportError:  # pragma: no cover
    PresenceRepo = None  # type: ignore[assignment,misc]
    HEARTBEAT_S = 5


ScreenT = TypeVar("ScreenT", bound=Screen[Any])

BOARD_MODE = "_default"
"""The board's screen stack is Textual's default one, not a mode of its own. Textual 8.2.8
starts an app whose first screen comes from a mode factory inside its start-up batch: the
board's first frame was rendered there and thrown away (~30 ms), and the first frame shown
was a partial one without the top line, the whole board ~60 ms after the bare app's. The
default screen is laid out after that batch, as in any plain Textual app. Textual has no
public way to switch back to the default stack (`switch_mode` knows only added modes, and
`add_mode` refuses "_default"), so `on_mount` registers it in `App._modes`;
`tests/tui/test_board_start.py` pins both against a Textual upgrade."""


WARM_UP_S = 0.3
"""After the board's first frame, when nothing is waited on: the incident screen's code."""


def overdue_label(clock: str) -> str:
    """A clock's key as the room says it: `ack` → "acknowledgement", `update:exec` →
    "exec update", `page:2` → "page #2"."""
    kind, _, which = clock.partition(":")
    if kind == "ack":
        return "acknowledgement"
    if kind == "update" and which:
        return f"{which} update"
    if kind == "page" and which:
        return f"page #{which} (unanswered)"
    return clock


def warm_up_imports() -> None:
    """Import what the first incident opened needs (the incident screen, its widgets, the
    service catalog for its on-call panel: ~25 ms), while the room reads the board, so that
    Enter on an incident does not pay for it."""
    import irtui.catalog.load
    import irtui.tui.oncall_view
    import irtui.tui.screens.incident  # noqa: F401


def palette_provider() -> Any:
    """The command palette's provider, imported when the palette first opens."""
    from irtui.tui.palette import IrtuiCommands

    return IrtuiCommands


class IrtuiApp(App[None]):
    """Keyboard-first incident war room on one `Store`."""

    TITLE = "irtui"
    CSS_PATH = [APP_CSS]
    BINDINGS = bindings("app")
    COMMANDS: ClassVar[set[Any]] = {palette_provider}

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
        freeze_heap: bool = False,
    ) -> None:
        """`freeze_heap`: the app is its process's whole life (the `irtui` command), so
        what start-up built can be frozen out of the garbage collector's sight
        (`CollectionHold.freeze_start_up`); an app run inside another program (tests)
        leaves that program's heap alone."""
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
        self.freeze_heap = freeze_heap
        self.incidents: dict[str, Incident] = {}
        self.marker = 0
        self._overdue: set[tuple[str, str]] = set()
        self._overdue_seen: tuple[object, ...] = ()
        self._overdue_until: datetime | bool | None = None
        """The overdue set holds until this instant (False: until something changes)."""
        self.outbox_summary: str = ""
        self.task_watch = TaskWatch()
        self.page_watch = PageWatch()
        self.writer = StoreWriter(self, store)
        self._no_controls = NoControlCharacters()
        self._modal_closed_at = 0.0
        self.typeahead_grace_s = TYPEAHEAD_GRACE_S
        self.crash_log: str | None = None
        self._incident_modes: set[str] = set()
        """The modes (screen stacks) of incidents that are open, `incident:INC-7`."""
        self._switching_mode = False
        self.collection_hold = CollectionHold(
            lambda delay, callback: self.set_timer(delay, callback, name="gc hold")
        )

    # --- life cycle -------------------------------------------------------------------
    def now(self) -> datetime:
        return to_utc(self.clock())

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then ours, as one filter: no control character in any drawn
        line reaches the terminal (`irtui.tui.safety`)."""
        textual_filters = tuple(super().get_line_filters())
        if self._no_controls.before != textual_filters:
            self._no_controls = NoControlCharacters(textual_filters)
        return [self._no_controls]

    def _css_current(self, screen: ScreenT) -> ScreenT:
        """`screen`, marked as styled by the app's stylesheet as it is now.

        Textual 8.2.8 re-parses the whole stylesheet from scratch when a screen whose
        `_css_update_count` differs from the app's becomes a mode's screen (`refresh_css` in
        `_init_mode`/`switch_mode`), and a new screen's count starts at -1: for irtui two full
        parses (~25 ms; the parse cache is cleared on the way) on every incident opened and
        every return to the board, for nothing: a screen is styled when it is registered, with
        the stylesheet as it is. A theme changed later still reaches it (the app's count
        moves on). `tests/tui/test_board_start.py` pins this against a Textual upgrade."""
        screen._css_update_count = self._css_update_count
        return screen

    def switch_mode(self, mode: str) -> AwaitMount:
        """Textual's switch, without its 50 ms blackout (see `delay_update`)."""
        self._switching_mode = True
        try:
            return super().switch_mode(mode)
        finally:
            self._switching_mode = False

    def delay_update(self, delay: float = 0.05) -> None:
        """Textual masks a mode switch by holding every frame for 50 ms. irtui's stacks are
        the board's and one per incident, whose screen is complete when it is composed (the
        timeline is filled before its first frame), so the hold only made opening an
        incident, and coming back to the board, 50 ms slower. Other callers (the command
        palette) keep it."""
        if self._switching_mode:
            return
        super().delay_update(delay)

    def get_default_screen(self) -> Screen[Any]:
        """The board *is* the default screen (one screen to build before the first paint),
        with the open incidents loaded before it mounts."""
        from irtui.tui.screens.board import BoardScreen

        self.load()
        return self._css_current(BoardScreen())

    def load(self) -> None:
        self.marker = self.store.change_marker()  # marker first: nothing slips between
        self.incidents = {i.id: i for i in self.store.list_incidents()}
        self._overdue = self._overdue_keys(self.now())  # already red at start: no bell storm

    def on_mount(self) -> None:
        # The board is Textual's default screen: the cheap start (see `BOARD_MODE`); from now
        # on its stack can be switched back to like any mode's.
        self._modes.setdefault(BOARD_MODE, self.get_default_screen)
        self.set_interval(self.tick_s, self.tick, name="tick")
        self.set_interval(self.poll_s, self.poll, name="poll")
        if self.open_incident:
            self.open(self.open_incident)
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        """Presence, task timers and the status-page worker are not needed for the first
        frame."""
        self._reload_tasks([i.id for i in self.incidents.values() if i.is_open], initial=True)
        for screen in self.screen_stack:  # the board's "what is due next" includes tasks
            handler = getattr(screen, "on_tasks_changed", None)
            if handler is not None:
                handler()
        from irtui.tui.screens.handoff import announce_offers

        # a hand-off offered (or accepted) before this seat started is said too, once
        announce_offers(self, [i.id for i in self.incidents.values() if i.is_open])
        # the writer opens its own connection now, so the first entry does not wait for it
        self.writer.submit(WriteJob(lambda store: None, "open the writer connection"))
        if self.heartbeat_enabled:
            self.beat()
            self.set_interval(HEARTBEAT_S, self.beat, name="heartbeat")
        self._start_outbox()
        self.set_timer(WARM_UP_S, self._warm_up, name="warm up")

    def _warm_up(self) -> None:
        warm_up_imports()
        preload_screens_css(self)
        if self.freeze_heap:
            self.collection_hold.freeze_start_up()

    def on_unmount(self) -> None:
        self.collection_hold.release_all()
        self.writer.stop()
        if self.heartbeat_enabled:
            with contextlib.suppress(Exception):
                PresenceRepo(self.store.db).leave(self.seat_id)

    # --- shared timers ------------------------------------------------------------------
    def _overdue_keys(self, now: datetime) -> set[tuple[str, str]]:
        return self._overdue_and_next(now)[0]

    def _overdue_and_next(self, now: datetime) -> tuple[set[tuple[str, str]], datetime | None]:
        """The (incident, clock) pairs overdue at `now`, and the earliest instant another
        one can be (None: no clock is running toward a deadline). A drill runs on its own
        clock: while one is open the answer is good for this second only."""
        keys: set[tuple[str, str]] = set()
        soonest: datetime | None = None
        for inc in self.incidents.values():
            if not inc.is_open:
                continue
            for c in all_clocks(inc, now):
                if c.state is ClockState.OVERDUE:
                    keys.add((inc.id, c.name))
                elif c.due is not None and c.state not in (ClockState.DONE, ClockState.NONE):
                    due = c.due if inc.time_map is None else now
                    soonest = due if soonest is None else min(soonest, due)
        page_watch = getattr(self, "page_watch", None)
        for iid, pages in (page_watch.pages if page_watch else {}).items():
            inc = self.incidents.get(iid)
            if inc is None or not inc.is_open:
                continue
            local = incident_now(inc, now)
            for p in pages:
                if p.due <= local:
                    keys.add((iid, f"page:{p.entry_id}"))
                else:
                    due = p.due if inc.time_map is None else now
                    soonest = due if soonest is None else min(soonest, due)
        return keys, soonest

    def _overdue_inputs(self) -> tuple[object, ...]:
        """What the overdue set is computed from, by identity: an incident or a page list is
        replaced, never changed in place, when the store says something happened."""
        pages = self.page_watch.pages
        return (
            tuple(map(id, self.incidents.values())),
            tuple((iid, id(clocks)) for iid, clocks in pages.items()),
        )

    def _overdue_at(self, now: datetime) -> set[tuple[str, str]]:
        """`_overdue_keys(now)`, recomputed only when it can differ: something changed, or the
        earliest deadline still ahead was reached (every second it was ~1 ms for 50 open
        incidents, a tenth of the board's whole idle cost)."""
        inputs = self._overdue_inputs()
        until = self._overdue_until
        if inputs == self._overdue_seen and (until is False or (until and now < until)):
            return self._overdue
        keys, soonest = self._overdue_and_next(now)
        self._overdue_seen = inputs
        self._overdue_until = False if soonest is None else soonest
        return keys

    def tick(self) -> None:
        """Once a second: countdowns on every visible screen, and the bell on a new overdue
        (an unanswered page too, from wherever the room is looking; the incident's own
        on-call panel says it when that incident is open)."""
        now = self.now()
        overdue = self._overdue_at(now)
        fresh = overdue - self._overdue
        self._overdue = overdue
        here = self.current_incident_id() if self.screen_stack else None
        fresh = {k for k in fresh if not (k[0] == here and k[1].startswith("page:"))}
        if fresh:
            self.ring()
            for iid, name in sorted(fresh):
                self.notify(
                    f"{iid}: {overdue_label(name)} is OVERDUE", severity="error", markup=False
                )
        expired = self.task_watch.expired(now, self.incidents)
        if expired:
            self.ring()
            for task in expired:
                owner = f"{task.owner}: " if task.owner else ""
                self.notify(
                    f"{task.incident_id} · {owner}{clean(task.text, limit=120)} — "
                    "time is up, check in (Esc k on the incident marks it done)",
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
        try:
            self.page_watch.reload(self.store.db, ids)
        except Exception:  # pages are shown by the on-call panel too; never fatal here
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
        """Show one incident: its own stack if it is already open somewhere (with whatever
        is on top of it), else a new one. Never a second incident screen."""
        from irtui.tui.screens.incident import IncidentScreen

        try:
            incident = self.store.get(incident_id)
        except Exception as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.incidents[incident.id] = incident
        mode = f"incident:{incident.id}"
        if self.current_mode == mode:
            self._pop_to_incident()
            return
        self.collection_hold.hold()  # a full collection must not land in its first frame
        if mode not in self._incident_modes:
            self._incident_modes.add(mode)
            self.add_mode(mode, lambda iid=incident.id: self._css_current(IncidentScreen(iid)))
        self._leave_for(mode)

    def back_to_board(self) -> None:
        self._leave_for(BOARD_MODE)

    def _leave_for(self, mode: str) -> None:
        """Switch stacks; let the one we leave go unless it holds text not saved yet."""
        previous = self.current_mode
        keep = [text for screen in self.screen_stack for text in unsaved_text_of(screen)]
        self.switch_mode(mode)
        if previous == BOARD_MODE or previous not in self._incident_modes:
            return
        if keep:
            self.notify(
                f"{previous.split(':', 1)[1]} keeps your unsaved text: it is there when you "
                "open it again.",
                markup=False,
            )
            return
        self._incident_modes.discard(previous)
        self.remove_mode(previous)

    def _pop_to_incident(self) -> None:
        """Already on this incident's stack: back down to its screen, unless a screen above
        it holds unsaved text (then it stays in front, and says so)."""
        from irtui.tui.screens.incident import IncidentScreen

        stack = self.screen_stack
        above = stack[next(i for i, s in enumerate(stack) if isinstance(s, IncidentScreen)) + 1 :]
        if any(unsaved_text_of(s) for s in above):
            self.notify("Finish or close what you are writing first.", markup=False)
            return
        for _ in above:
            self.pop_screen()

    def pop_screen(self) -> AwaitComplete:
        if isinstance(self.screen, ModalScreen):
            self._modal_closed_at = time.monotonic()  # keys typed now were aimed at it
        return super().pop_screen()

    def typed_ahead(self, *, extend: bool = False) -> bool:
        """Are keys arriving now typed ahead: part of a burst that began before the person
        could see a dialog had closed? A burst lasts while keys keep coming less than
        `TYPEAHEAD_GRACE_S` apart (`extend=True` for each key of it)."""
        now = time.monotonic()
        ahead = now - self._modal_closed_at < self.typeahead_grace_s
        if ahead and extend:
            self._modal_closed_at = now
        return ahead

    def unsaved_everywhere(self) -> list[tuple[Screen[Any], str]]:
        """Typed text not saved yet, on every screen of every stack."""
        return [
            (screen, text)
            for screen in self.children
            if isinstance(screen, Screen)
            for text in unsaved_text_of(screen)
        ]

    async def action_quit(self) -> None:
        """Quit asks first: an accidental `q` (or `ctrl+q`) must not end the war room, and
        typed text that is not saved is listed so nobody loses it by quitting."""
        from irtui.tui.screens.modal import ConfirmDialog

        if isinstance(self.screen, ConfirmDialog) and self.screen.has_class("quit"):
            return
        typed = self.unsaved_everywhere()
        if typed:
            body = Text("Not saved yet — it is lost if you quit:\n")
            for screen, text in typed[:5]:
                body.append_text(
                    Text.assemble(
                        ("• ", "bold"),
                        (f"{describe_screen(screen)}: ", "bold"),
                        (clean(text, limit=80), "italic"),
                        "\n",
                    )
                )
            question = ConfirmDialog("Quit and lose typed text?", body, yes="Quit", no="Stay")
        else:
            question = ConfirmDialog("Quit irtui?", "Everything is saved.", yes="Quit", no="Stay")
        question.add_class("quit")

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(question, answered)

    # --- writing ------------------------------------------------------------------------
    def write(
        self,
        fn: Callable[[Any], Any],
        done: str | None = None,
        *,
        then: Callable[[Any], None] | None = None,
        failed: Callable[[Exception], None] | None = None,
        label: str = "",
    ) -> WriteJob:
        """Run `fn(store)` on the store writer (off the UI thread, in order); once it is
        durable: show it, say `done`, show what the text boundary removed, call `then`. A
        refusal is a notification (and `failed`), never a crash."""
        job: WriteJob

        def ok(result: Any) -> None:
            self.refresh_now()
            if done:
                self.notify(done, markup=False)
            self.notify_cleaned(job.notices)
            if then is not None:
                then(result)

        def refused(exc: Exception) -> None:
            self.notify(str(exc), title="Not done", severity="error", markup=False)
            if failed is not None:
                failed(exc)

        job = WriteJob(fn, label or (done or "write"), ok, refused)
        return self.writer.submit(job)

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

    def notify_cleaned(self, notices: tuple[str, ...] | None = None) -> None:
        """Say what the text boundary took out of what was just saved (never silent)."""
        if notices is None:
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

        if not isinstance(self.screen, DeclareDialog):
            self.push_screen(DeclareDialog())

    def action_help(self) -> None:
        from irtui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- text in: pastes ----------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and not event.is_forwarded:
            cleaned = self.clean_paste(event.text)
            if cleaned is None:
                return
            event = events.Paste(cleaned)
        await super().on_event(event)

    def clean_paste(self, text: str) -> str | None:
        """A paste is text entering irtui: terminal escapes, controls and bidi overrides are
        taken out *here*, with a notice (Textual would otherwise hand the ESC bytes on), and
        a paste too long for any field is refused as a whole, never cut."""
        from irtui.boundary.errors import TextRefused
        from irtui.boundary.text_in import clean_input

        try:
            cleaned = clean_input(text, what="paste", field="body")
        except TextRefused as exc:
            self.notify(str(exc), title="Paste refused", severity="error", markup=False)
            return None
        if cleaned.notices:
            self.notify(
                "; ".join(cleaned.notices),
                title="Pasted without control characters",
                severity="warning",
                markup=False,
                timeout=10,
            )
        return cleaned.text

    # --- crashes --------------------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        """A crash: the traceback goes to a private log file (it may hold incident text),
        the terminal gets one short paragraph naming that file, the exit code is 1. Textual's
        own report — a traceback with every frame's locals — never reaches the screen."""
        super()._handle_exception(error)
        from irtui.tui.crash import crash_message, write_crash_log

        unsaved = []
        with contextlib.suppress(Exception):
            unsaved = [text for _screen, text in self.unsaved_everywhere()]
        self.crash_log = write_crash_log(error, unsaved)
        self._exit_renderables.clear()
        self._exit_renderables.append(crash_message(self.crash_log))

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
        """Every registry action of the app and of the current screen, each once (the
        palette itself is `irtui.tui.palette`, which also matches synonyms)."""
        from irtui.tui.palette import entries

        for entry in entries(self, screen):
            yield SystemCommand(entry.title, entry.help, entry.callback)


def unsaved_text_of(screen: Any) -> list[str]:
    """What a screen holds that was typed and not saved (screens say so themselves)."""
    probe = getattr(screen, "unsaved_text", None)
    if probe is None:
        return []
    try:
        return [t for t in probe() if t.strip()]
    except Exception:  # a screen being torn down
        return []


def describe_screen(screen: Any) -> str:
    """How the quit question names where text was typed."""
    what = getattr(screen, "WHAT", None)
    iid = getattr(screen, "incident_id", None)
    if getattr(screen, "SCOPE", None) == "incident":
        return f"{iid} entry line"
    if what and iid:
        return f"{what} ({iid})"
    return str(what or type(screen).__name__)
