"""Generate a realistic irtui store for benchmarks.

    python bench/make_store.py --db PATH --incidents 10000 --events 500000

Incidents are spread over the two years before now; the newest ~50 stay open with live
clocks. Events go through the real domain (`lifecycle.cmd_*` + `apply`), so the projection is
exactly what the app would have written; only the inserts are batched (one transaction, bulk
`executemany`) instead of one transaction per keystroke.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from irtui.domain import lifecycle
from irtui.domain.model import Event, IncidentKind
from irtui.domain.policy import load_policy
from irtui.domain.timeutil import iso
from irtui.store.repo import _INSERT_EVENT, _UPSERT, Store

SERVICES = [
    "checkout",
    "payments",
    "search",
    "login",
    "api-gateway",
    "payments-db",
    "cdn",
    "notifications",
    "orders",
    "inventory",
]
WORDS = (
    "restarted failed over rolled back paged checked scaled drained replica lag "
    "error rate p99 latency dashboard deploy config cache queue consumer pod node "
    "disk"
).split()


def generate(
    db: str,
    incidents: int,
    events: int,
    *,
    open_count: int = 50,
    seed: int = 1,
    now: datetime | None = None,
) -> tuple[int, int]:
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    policy = load_policy(None)
    store = Store.open(db, author="gen")
    if store.change_marker():
        raise SystemExit(f"{db} is not empty")
    per_incident = max(events // max(incidents, 1), 3)
    span = timedelta(days=730)
    event_rows: list[dict] = []
    incident_rows: list[dict] = []
    next_id = 0
    written = 0

    def flush() -> None:
        def tx(d):
            d.executemany(_INSERT_EVENT, event_rows)
            d.executemany(_UPSERT, incident_rows)

        store.db.write(tx)
        event_rows.clear()
        incident_rows.clear()

    for n in range(1, incidents + 1):
        is_open = n > incidents - open_count
        if is_open:
            declared = now - timedelta(minutes=rng.uniform(1, 90))
        else:
            declared = now - span + span * (n / incidents) - timedelta(hours=2)
        sev = rng.choices([1, 2, 3, 4], weights=[1, 3, 5, 2])[0]
        iid = f"INC-{n}"
        batch = lifecycle.cmd_declare(
            incident_id=iid,
            number=n,
            title=f"{rng.choice(SERVICES)} {rng.choice(WORDS)} {rng.choice(WORDS)} #{n}",
            severity=sev,
            policy=policy,
            now=declared,
            author=rng.choice(["alice", "bob", "carol", "dana"]),
            services=rng.sample(SERVICES, rng.randint(1, 2)),
            commander="alice",
            kind=IncidentKind.DRILL if n % 40 == 0 else IncidentKind.REAL,
        )
        remaining = (events - written) if n == incidents else per_incident
        remaining = max(remaining - len(batch), 0)
        t = declared
        state = None
        plan: list[Event] = list(batch)
        for k in range(remaining):
            t += timedelta(seconds=rng.randint(5, 60 if is_open else 240))
            if is_open and t > now:
                t = now
            if k == 2:
                plan.append(Event(iid, "acknowledged", t, "alice", {}))
            elif k == 5:
                plan.append(
                    Event(
                        iid,
                        "update_sent",
                        t,
                        "carol",
                        {"audience": "internal", "text": "update", "publish": False},
                    )
                )
            elif k == remaining - 2 and not is_open:
                plan.append(
                    Event(
                        iid,
                        "status_changed",
                        t,
                        "alice",
                        {"from": "investigating", "to": "mitigating", "note": ""},
                    )
                )
            elif k == remaining - 1 and not is_open:
                plan.append(
                    Event(
                        iid,
                        "status_changed",
                        t,
                        "alice",
                        {"from": "mitigating", "to": "resolved", "note": ""},
                    )
                )
            else:
                text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
                plan.append(
                    Event(
                        iid,
                        "entry",
                        t,
                        rng.choice(["alice", "bob", "scribe"]),
                        {
                            "kind": rng.choice(["note", "action", "decision"]),
                            "text": text,
                            "starred": rng.random() < 0.05,
                        },
                    )
                )
        for event in plan:
            next_id += 1
            event = replace(event, id=next_id, recorded_at=event.at)
            state = lifecycle.apply(state, event)
            event_rows.append(
                {
                    "id": next_id,
                    "incident_id": iid,
                    "at": iso(event.at),
                    "recorded_at": iso(event.at),
                    "author": event.author,
                    "kind": str(event.kind),
                    "payload": json.dumps(event.payload),
                    "refers_to": None,
                }
            )
        written += len(plan)
        incident_rows.append(Store._row(state))
        if len(event_rows) > 50_000:
            flush()
    flush()
    store.db.write(
        lambda d: (
            d.execute("UPDATE counters SET value = :v WHERE name = 'change'", {"v": next_id}),
            d.execute("UPDATE counters SET value = :v WHERE name = 'incident'", {"v": incidents}),
        )
    )
    store.close()
    return incidents, next_id


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--incidents", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=500_000)
    ap.add_argument("--open", type=int, default=50, help="how many stay open")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if "://" not in args.db and Path(args.db).exists():
        sys.exit(f"{args.db} exists; pick a new path")
    start = time.perf_counter()
    n_inc, n_ev = generate(
        args.db, args.incidents, args.events, open_count=args.open, seed=args.seed
    )
    print(f"{n_inc} incidents, {n_ev} events in {time.perf_counter() - start:.1f} s -> {args.db}")


if __name__ == "__main__":
    main()
