"""Stores for the TUI benchmark's worst cases, written through the real `Store` API.

- `fresh_board(path, all_seconds=False)`: 50 incidents declared a moment ago, a third of them
  SEV1 (their 15-minute ack clocks count seconds from the start: the worst case the board
  meets in a real war room); with `all_seconds` every one of the 50 has an ack clock inside
  its last 15 minutes (detection backdated), so every row's countdown moves every second.
- `long_timeline(path, entries=5000)`: one SEV1 whose timeline holds 5,000 entries, among
  them long decision records (proposal, objections, the call), amended and retracted entries
  and tasks: the timeline a long incident's scribe ends up with.
Both are made right before they are measured: their clocks are relative to now.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from irtui.domain import lifecycle
from irtui.domain.model import Event, Incident
from irtui.store.repo import Store

WORDS = (
    "restarted failed over rolled back paged checked scaled drained replica lag error rate "
    "p99 latency dashboard deploy config cache queue consumer pod node disk flag canary "
    "tenant region gateway pool connections upstream"
).split()
LAST_ENTRY = "zq-last-entry-of-the-long-timeline"
"""The newest entry's text: the benchmark waits for it to be on screen."""


def fresh_board(path: Path, *, all_seconds: bool = False, count: int = 50) -> None:
    store = Store.open(path, author="bench")
    try:
        now = store.now()
        for n in range(count):
            sev = (1, 2, 3)[n % 3]
            window_min = {1: 15, 2: 60, 3: 240}[sev]
            detected = now - timedelta(minutes=window_min - 14) if all_seconds else None
            store.declare(
                f"{WORDS[n % len(WORDS)]} {WORDS[(n * 7) % len(WORDS)]} errors #{n}",
                sev,
                services=["checkout"],
                commander="alice" if n % 2 else None,
                detected_at=detected,
                started_at=detected,
            )
    finally:
        store.close()


def long_timeline(path: Path, entries: int = 5000, seed: int = 1) -> str:
    """One SEV1 with `entries` timeline entries (one write transaction); returns its id."""
    rng = random.Random(seed)
    store = Store.open(path, author="bench")
    try:
        now = store.now()
        start = now - timedelta(hours=12)
        inc = store.declare(
            "Checkout failing with 502s for most customers in every region after deploy #4821",
            1,
            services=["checkout", "payments-api", "api-gateway"],
            impact="~70% of checkout attempts fail; orders are not being placed",
            commander="alice",
            started_at=start,
            detected_at=start,
        )

        def build(incident: Incident, when: datetime) -> list[Event]:
            events: list[Event] = []
            step = (when - start) / (entries + 1)
            state = incident
            for k in range(entries):
                at = start + step * (k + 1)
                who = rng.choice(["alice", "bob", "carol", "erin"])
                if k == entries - 1:
                    text, kind, record = LAST_ENTRY, "note", None
                elif k % 50 == 7:
                    proposal = " ".join(rng.choice(WORDS) for _ in range(30))
                    objections = " ".join(rng.choice(WORDS) for _ in range(25))
                    call = " ".join(rng.choice(WORDS) for _ in range(12))
                    text = f"{call} — proposal: {proposal}; objections: {objections}"
                    kind = "decision"
                    record = {"proposal": proposal, "objections": objections, "call": call}
                else:
                    size = rng.choice([4, 8, 12, 20, 40, 80])
                    text = " ".join(rng.choice(WORDS) for _ in range(size))
                    kind, record = rng.choice(["note", "action", "communication"]), None
                batch = lifecycle.cmd_log(
                    state,
                    text,
                    now=when,
                    author=who,
                    kind=kind,
                    at=at,
                    decision=record,
                    starred=k % 31 == 0,
                )
                for event in batch:
                    state = lifecycle.apply(state, event)
                events += batch
            return events

        store.transact(inc.id, build)
        return inc.id
    finally:
        store.close()
