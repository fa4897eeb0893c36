"""Keep the garbage collector's long pauses off the moments a person is waiting on.

Opening an incident builds tens of thousands of objects at once (a 5,000-entry timeline: its
events, entries and rendered lines); that many new objects trigger a full (generation 2)
collection in the middle of the screen's first frame, measured at ~30 ms of the ~160 ms it
took to open. `CollectionHold.hold()` turns automatic collection off while such a screen is
built and turns it back on once its first frames are out, so the same collection runs a
moment later, while the person reads, instead of before they can. Collection is never off
for longer than `HOLD_S`, and the hold nests (the last release wins).

`freeze_start_up()` moves what start-up built (Textual, the modules, the board) out of the
collector's sight once it is built: a full collection then walks only what came after, and a
board idling with fifty countdowns spent ~0.7 ms a second in them (one ~13 ms pass every
~20 s).

`start_up_paused()` turns automatic collection off for the `irtui` command's start-up
(importing Textual and irtui, opening the store, building and drawing the board): those
~65,000 new objects, nearly all kept for the process's life, set off collections that walked
them again and again — ~12 ms of the board's first paint spent finding nothing to free.
`freeze_start_up()` ends the pause: the one collection it runs then frees what start-up left.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from typing import Any

_paused_by_start_up = False
"""Set by `start_up_paused` until `freeze_start_up` (or `release_all`) ends the pause."""

HOLD_S = 0.5
"""Long enough for an incident screen's first frames; short enough that memory held by
garbage waiting for collection stays small."""


@contextlib.contextmanager
def start_up_paused() -> Iterator[None]:
    """Automatic collection off from here until the app has drawn its first frame and
    settled (`CollectionHold.freeze_start_up`), and back on when the block ends whatever
    happened. Only around a process's whole run of the app (the `irtui` command)."""
    global _paused_by_start_up
    _paused_by_start_up = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        end_start_up_pause()


def end_start_up_pause() -> None:
    """Collection back on, if `start_up_paused` turned it off and has not turned it back."""
    global _paused_by_start_up
    if _paused_by_start_up:
        _paused_by_start_up = False
        gc.enable()


class CollectionHold:
    """Automatic garbage collection off until `HOLD_S` after the last `hold()`."""

    def __init__(self, set_timer: Callable[[float, Callable[[], None]], Any]) -> None:
        self._set_timer = set_timer
        self._holds = 0
        self._was_enabled = True
        self._frozen = False

    def hold(self) -> None:
        if self._holds == 0:
            self._was_enabled = gc.isenabled()
            gc.disable()
        self._holds += 1
        self._set_timer(HOLD_S, self._release)

    def _release(self) -> None:
        if self._holds == 0:  # released already (`release_all`)
            return
        self._holds -= 1
        if self._holds == 0 and self._was_enabled:
            gc.enable()

    def release_all(self) -> None:
        """The app is going: collection back on as it was, timers or not, and a frozen heap
        given back to the collector."""
        if self._holds and self._was_enabled:
            gc.enable()
        self._holds = 0
        end_start_up_pause()
        if self._frozen:
            self._frozen = False
            gc.unfreeze()

    @property
    def holding(self) -> bool:
        return self._holds > 0

    def freeze_start_up(self) -> None:
        """Collect once, then freeze what survives (`gc.freeze`): it lives as long as the
        app. Not inside a hold (an incident is being opened): tried again after it."""
        if self._holds:
            self._set_timer(HOLD_S, self.freeze_start_up)
            return
        gc.collect()
        gc.freeze()
        self._frozen = True
        end_start_up_pause()
