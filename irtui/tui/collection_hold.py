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
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

HOLD_S = 0.5
"""Long enough for an incident screen's first frames; short enough that memory held by
garbage waiting for collection stays small."""


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
