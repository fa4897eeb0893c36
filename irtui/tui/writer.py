"""Store writes off the UI thread, in order, on a connection of their own.

While another process holds the store's write lock (a backup, a stuck seat, a long import),
a write waits: SQLite's busy handler, then `Database.write`'s retries. Run on the UI thread
that wait froze the war room — no countdown moved, no key was handled. Here every write is a
`WriteJob` run by one thread worker, first in first out (an entry typed second never lands
before the first), on its *own* connection: the UI thread's reads (the change-marker poll,
re-reading incidents) use the app's connection and never queue behind the waiting writer
(WAL readers are not blocked by a writer).

The job's callbacks run on the UI thread once the write is durable (after COMMIT) or refused.
A job that has waited `BUSY_AFTER_S` is reported busy so the screen can say so; a write the
engine still calls busy after `Database.write` gave up is retried until it lands, the app
quits, or the person cancels it — it is never dropped.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BUSY_AFTER_S = 0.4
"""A write still waiting after this long is shown as "store busy, retrying…"."""


@dataclass(eq=False)
class WriteJob:
    """One store command: `fn(store)` on the writer's store; callbacks on the UI thread."""

    fn: Callable[[Any], Any]
    label: str
    done: Callable[[Any], None] | None = None
    failed: Callable[[Exception], None] | None = None
    queued_at: float = field(default_factory=time.monotonic)
    attempts: int = 0
    result: Any = None
    notices: tuple[str, ...] = ()
    cancelled: bool = False


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text


class StoreWriter:
    """The app's one writer. `submit(job)` from the UI thread; `pending` is what waits."""

    def __init__(self, app: Any, store: Any) -> None:
        self.app = app
        self.store = store
        self._own: Any = None
        self._queue: deque[WriteJob] = deque()
        self._lock = threading.Lock()
        self._running = False
        self._stopping = False

    # --- the UI side ---------------------------------------------------------------------
    @property
    def pending(self) -> list[WriteJob]:
        with self._lock:
            return list(self._queue)

    def busy(self, now: float | None = None) -> WriteJob | None:
        """The oldest job that has waited long enough to say so, if any."""
        now = time.monotonic() if now is None else now
        with self._lock:
            head = self._queue[0] if self._queue else None
        if head is not None and now - head.queued_at >= BUSY_AFTER_S:
            return head
        return None

    def submit(self, job: WriteJob) -> WriteJob:
        with self._lock:
            self._queue.append(job)
            start = not self._running
            self._running = True
        if start:
            self.app.run_worker(
                self._drain, thread=True, group="store-writer", name="store-writer",
                exit_on_error=False,
            )  # fmt: skip
        return job

    def cancel(self, job: WriteJob) -> bool:
        """Take a job back before it was written (True if it had not started)."""
        with self._lock:
            if job in self._queue and job is not self._queue[0]:
                self._queue.remove(job)
                return True
            job.cancelled = True  # the head: dropped at its next retry, if it is still busy
            return False

    def stop(self) -> None:
        self._stopping = True
        if self._own is not None and self._own is not self.store:
            with contextlib.suppress(Exception):
                self._own.close()

    # --- the writer thread ---------------------------------------------------------------
    def _store(self) -> Any:
        """A store on a connection of its own (falls back to the app's for a store that
        cannot be reopened, e.g. a test double)."""
        if self._own is None:
            try:
                from irtui.store.repo import Store

                base = self.store
                db = base.db.sibling()
                self._own = Store(
                    db, policy=lambda: base.policy, clock=base.clock, author=base.author
                )
            except Exception:
                self._own = self.store
        if self._own is not self.store:
            self._own.author = self.store.author  # `--as` may be switched while running
        return self._own

    def _drain(self) -> None:
        while not self._stopping:
            with self._lock:
                if not self._queue:
                    self._running = False
                    return
                job = self._queue[0]
            error = self._run(job)
            with self._lock:
                if self._queue and self._queue[0] is job:
                    self._queue.popleft()
            if error is None:
                self._call(self._done, job)
            else:
                self._call(self._failed, job, error)

    def _run(self, job: WriteJob) -> Exception | None:
        """Write `job`; the error that refused it, or None once it is durable."""
        while True:
            job.attempts += 1
            try:
                store = self._store()
                job.result = job.fn(store)
                job.notices = tuple(getattr(store, "last_notices", ()) or ())
                return None
            except Exception as exc:
                if _is_busy(exc) and not job.cancelled and not self._stopping:
                    time.sleep(0.25)
                    continue  # still locked after Database.write's own retries: keep it
                return exc

    def _call(self, fn: Callable[..., None], *args: Any) -> None:
        with contextlib.suppress(Exception):  # the app is shutting down
            self.app.call_from_thread(fn, *args)

    # --- back on the UI thread -----------------------------------------------------------
    def _done(self, job: WriteJob) -> None:
        if job.done is not None:
            job.done(job.result)

    def _failed(self, job: WriteJob, exc: Exception) -> None:
        if job.failed is not None:
            job.failed(exc)
