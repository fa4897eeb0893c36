"""A believable war room for `irtui demo`, the screenshots and the tests, and the demo's
throwaway store.

Everything goes through the public `Store` API (so it also exercises it): a SEV1 checkout outage
in progress with roles, a rich timeline, tasks and an update due in a few minutes; a SEV2, a
SEV3, a drill, and one resolved incident. Times are relative to the store's clock, so the
countdowns look live whenever the demo is started. Every seeded incident's `source_ref` is
`irtui-demo:<nickname>`: that is how `irtui demo --db FILE` tells a demo store it made (reopened)
from a real one (refused).

`ThrowawayFolder` is where a plain `irtui demo` keeps its store: removed on every way out,
including a closed terminal (SIGHUP) and `kill` (SIGTERM), which skip `finally` blocks.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from irtui.domain.model import EventKind
from irtui.domain.timeutil import iso, to_utc

DEMO_SOURCE = "irtui-demo"
"""The `source_ref` prefix of every incident `seed` declares."""

FOLDER_PREFIX = "irtui-demo-"
STOP_GRACE_S = 3.0
"""After SIGHUP/SIGTERM the app is asked to stop; if it has not within this, the process ends
(a closed terminal can leave Textual blocked writing to it). The folder is already gone."""


def is_demo_store(store: Any) -> bool:
    """True for a store `seed` filled (whatever was added to it since)."""
    return any(
        (inc.source_ref or "").startswith(DEMO_SOURCE + ":")
        for inc in store.list_incidents(include_closed=True)
    )


class ThrowawayFolder:
    """A private temp folder removed on every exit path: `remove()` from the caller's
    `finally`, an `atexit` hook (an exception or `sys.exit` on the way out), and, while
    `removed_on_signals()` is active, SIGHUP and SIGTERM handlers."""

    SIGNALS = (signal.SIGHUP, signal.SIGTERM)

    def __init__(self, prefix: str = FOLDER_PREFIX) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=prefix))
        self.signalled: int | None = None
        atexit.register(self.remove)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        atexit.unregister(self.remove)

    @contextmanager
    def removed_on_signals(self, stop: Callable[[], None]) -> Iterator[None]:
        """While the block runs, SIGHUP/SIGTERM remove the folder at once (a signal may be
        followed by SIGKILL), then `stop()` is called from a helper thread to end the app
        cleanly (restoring the terminal); a watchdog ends the process if that takes longer
        than `STOP_GRACE_S`. Handlers exist only in the main thread (Python's rule)."""

        def on_signal(signum: int, _frame: object) -> None:
            self.signalled = signum
            self.remove()
            threading.Thread(target=_quietly, args=(stop,), daemon=True).start()
            watchdog = threading.Timer(STOP_GRACE_S, os._exit, args=(128 + signum,))
            watchdog.daemon = True
            watchdog.start()

        previous: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                previous[signum] = signal.signal(signum, on_signal)
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def _quietly(fn: Callable[[], None]) -> None:
    with contextlib.suppress(Exception):  # the app stopped already, or never started: the
        fn()  # watchdog ends the process then


@contextmanager
def _as(store: Any, name: str) -> Iterator[None]:
    """Write as another person (the demo room has several people typing)."""
    previous = store.author
    store.author = name
    try:
        yield
    finally:
        store.author = previous


def seed(store: Any) -> dict[str, str]:
    """Fill an empty store; returns the ids by nickname (`sev1`, `sev2`, ...)."""
    now: datetime = store.now()

    def ago(minutes: float) -> datetime:
        return now - timedelta(minutes=minutes)

    def role(iid: str, name: str, who: str, minutes: float) -> None:
        store.append(iid, EventKind.ROLE_ASSIGNED, {"role": name, "name": who}, at=ago(minutes))

    # A resolved one from earlier today.
    with _as(store, "dana"):
        old = store.declare(
            "Search results stale in EU",
            3,
            services=["search"],
            impact="Some EU users saw results up to 20 minutes old",
            commander="dana",
            at=ago(300),
            source_ref=f"{DEMO_SOURCE}:resolved",
        )
        store.ack(old.id, at=ago(296))
        store.log(old.id, "Indexer consumer lag at 40k messages", kind="detection", at=ago(295))
        store.log(old.id, "Restarted indexer consumers, lag draining", kind="action", at=ago(280))
        store.mitigated(old.id, at=ago(280), note="consumers restarted")
        store.resolve(old.id, checked="all", at=ago(250), note="lag back to zero")

    with _as(store, "pagerduty"):
        sev1 = store.declare(
            "Checkout failing with 502s for most customers",
            1,
            services=["checkout", "payments-api", "api-gateway"],
            impact="~70% of checkout attempts fail; orders are not being placed",
            commander="alice",
            at=ago(27),
            source_ref=f"{DEMO_SOURCE}:sev1",
        )
    iid = sev1.id
    with _as(store, "alice"):
        store.ack(iid, at=ago(25))
        # impact began before anyone declared: dashboards say two minutes earlier
        store.set_milestone(iid, "started", ago(29), reason="per dashboards, deploy #4821")
        role(iid, "tech_lead", "bob", 24)
        role(iid, "scribe", "carol", 23)
    timeline = [
        (26, "alice", "detection", "PagerDuty: checkout 5xx rate 68% (threshold 5%)", False),
        (
            22,
            "carol",
            "note",
            f"Started {to_utc(ago(29)):%H:%M} UTC per dashboards, right after deploy #4821",
            True,
        ),
        (
            21,
            "carol",
            "action",
            "bob: api-gateway logs show upstream connect errors to payments-api",
            False,
        ),
        (20, "carol", "note", "CDN ruled out: origin returns 502 directly", False),
        (18, "carol", "escalation", "Paged payments on-call (erin)", False),
        (
            15,
            "carol",
            "decision",
            "Roll back deploy #4821 — proposal: roll back #4821 (bob); objections: none",
            True,
        ),
        (13, "bob", "action", "Rollback of #4821 started", False),
        (9, "carol", "note", "Error rate down to 31% after rollback, not zero", False),
        (6, "erin", "note", "DB connection pool on payments-api saturated (500/500)", True),
    ]
    for minutes, who, kind, text, star in timeline:
        record = (
            {
                "proposal": "roll back #4821 (bob)",
                "objections": "",
                "call": "Roll back deploy #4821",
            }
            if kind == "decision"
            else None
        )
        with _as(store, who):
            store.log(iid, text, kind=kind, at=ago(minutes), starred=star, decision=record)
    with _as(store, "carol"):
        typo = store.log(iid, "Customer support reports EU only", kind="communication", at=ago(8))
        store.retract(iid, typo.id, "support corrected: all regions")
        wrong = store.log(iid, "Pool limit raised to 300", kind="action", at=ago(5))
        store.amend(iid, wrong.id, "Pool limit raised to 800")
        store.log(
            iid,
            "erin: recycle payments-api pods",
            kind="action",
            at=ago(4),
            task={
                "text": "recycle payments-api pods",
                "owner": "erin",
                "due": iso(now + timedelta(minutes=2)),
                "timer_s": 360,
            },
        )
        store.log(
            iid,
            "bob: check replica lag on payments-db",
            kind="action",
            at=ago(3),
            task={
                "text": "check replica lag on payments-db",
                "owner": "bob",
                "due": iso(now + timedelta(minutes=4)),
                "timer_s": 420,
            },
        )
    _pin_runbook(
        store,
        iid,
        "database-connection-exhaustion",
        pinned=ago(5.5),
        ticks=[("erin", 1, ago(5.2)), ("erin", 2, ago(4.8))],
    )
    with _as(store, "alice"):
        store.record_update(
            iid,
            "Checkout is failing for most customers; we are rolling back "
            "a deploy. Next update in 30 minutes.",
            audience="internal",
            at=ago(26),
        )
        store.record_update(
            iid, "Checkout degraded; rollback in progress.", audience="exec", at=ago(24)
        )
        store.record_update(  # no status page configured in the demo: posted by hand
            iid,
            "We are investigating failed checkouts.",
            audience="statuspage",
            at=ago(25),
            posted_by_hand=True,
        )

    with _as(store, "frank"):
        sev2 = store.declare(
            "EU-west API latency p99 above 4s",
            2,
            services=["api-gateway", "eu-west"],
            impact="Slow responses for EU customers; no errors",
            commander="frank",
            at=ago(50),
            source_ref=f"{DEMO_SOURCE}:sev2",
        )
        store.ack(sev2.id, at=ago(45))
        store.log(
            sev2.id,
            "Latency started with a traffic spike from one tenant",
            kind="detection",
            at=ago(48),
        )
        store.set_status(sev2.id, "identified", at=ago(30), note="noisy tenant rate-limited")

    with _as(store, "grace"):
        sev3 = store.declare(
            "Nightly invoice export job failed",
            3,
            services=["billing-batch"],
            impact="Invoices delayed; no customer-facing impact",
            at=ago(12),
            source_ref=f"{DEMO_SOURCE}:sev3",
        )

    with _as(store, "heidi"):
        drill = store.declare(
            "Primary database failover (game day)",
            2,
            services=["orders-db"],
            impact="Game day: simulated outage",
            commander="heidi",
            drill=True,
            at=ago(40),
            source_ref=f"{DEMO_SOURCE}:drill",
        )
        store.ack(drill.id, at=ago(38))
        store.log(drill.id, "Failover triggered by game-day script", kind="action", at=ago(35))
    return {"sev1": iid, "sev2": sev2.id, "sev3": sev3.id, "drill": drill.id, "resolved": old.id}


def _pin_runbook(
    store: Any, iid: str, name: str, *, pinned: datetime, ticks: list[tuple[str, int, datetime]]
) -> None:
    """Pin a shipped runbook and tick its first steps, so the runbook pane (`p`) and the
    timeline show a checklist in use. Skipped quietly if the runbook is not shipped."""
    from irtui import paths
    from irtui.runbooks.loader import parse_runbook
    from irtui.runbooks.progress import pinned_payload, step_payload

    root = paths.bundled_runbooks_dir()
    path = root / f"{name}.md"
    if not path.is_file():
        return
    runbook = parse_runbook(path.read_text(encoding="utf-8"), path, root, name)
    with _as(store, "alice"):
        store.append(iid, EventKind.RUNBOOK_PINNED, pinned_payload(runbook), at=pinned)
    for who, number, at in ticks:
        if number <= len(runbook.steps):
            with _as(store, who):
                store.append(
                    iid,
                    EventKind.RUNBOOK_STEP,
                    step_payload(runbook, runbook.steps[number - 1], True),
                    at=at,
                )
