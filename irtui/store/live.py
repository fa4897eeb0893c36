"""`ChangeFeed`: what another seat changed since this seat last looked.

Every committed event takes its id from the `change` counter in the same transaction, so the
counter is a cheap, exact "something changed" marker on both engines: one indexed read of one
row. A seat polls it (the TUI every 0.5 s, the bench every 0.1 s); only when it moved does the
seat ask which incidents the new events belong to, and re-reads just those.

Polling was chosen over PostgreSQL LISTEN/NOTIFY because it works the same on SQLite (where no
notification exists across processes), needs no second connection per seat, cannot miss a
notification sent while a seat was reconnecting, and costs well under a millisecond per poll
(see `bench/bench_multiseat.py` for the refresh latency it gives).
"""

from __future__ import annotations

import time
from typing import Protocol

from irtui.store.db import Database


class _Marked(Protocol):
    db: Database

    def change_marker(self) -> int: ...


class ChangeFeed:
    """Per-seat cursor over the store's change marker.

    `poll()` returns the ids of incidents with events committed since the previous poll
    (each change reported exactly once), or `[]` when nothing moved."""

    def __init__(self, store: _Marked, *, marker: int | None = None) -> None:
        self.store = store
        self.marker = store.change_marker() if marker is None else marker

    def poll(self) -> list[str]:
        marker = self.store.change_marker()
        if marker == self.marker:
            return []
        if marker < self.marker:
            # The counter went backwards: the store was replaced (restored from a backup,
            # --db pointed elsewhere). Everything may differ, so report every incident.
            self.marker = marker
            return sorted(r[0] for r in self.store.db.query("SELECT id FROM incidents"))
        # Bounded above by the marker just read: an event committed between the two reads is
        # left for the next poll instead of being reported twice.
        changed = self.store.changed_since(self.marker, marker)
        self.marker = marker
        return changed

    def wait(self, timeout: float, *, interval: float = 0.1) -> list[str]:
        """Poll every `interval` seconds until something changed or `timeout` passed."""
        deadline = time.monotonic() + timeout
        while True:
            changed = self.poll()
            if changed or time.monotonic() >= deadline:
                return changed
            time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
