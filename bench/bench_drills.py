"""Drill benchmark: what a facilitator's seat pays every second, and the debrief.

    python bench/bench_drills.py [--events 2000] [--runs 7]

In-process, on a real SQLite file: the drill's 1 Hz tick when nothing is due (the common
case: reads only) and when an inject fires (one write transaction), the facilitator
screen's view, the scored debrief; as whole processes, `irtui drill report` and `irtui drill
list` against `irtui --version` measured in the same run. The drill incident carries
`--events` player entries (a busy 45-minute tabletop writes a few hundred). Prints a
Markdown table; asserts the tick stays far inside its one-second budget.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import median_ms, process_ms

IRTUI = shutil.which("irtui") or str(Path(sys.executable).with_name("irtui"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    from irtui.domain.timeutil import ManualClock
    from irtui.drills import runner
    from irtui.drills.library import find
    from irtui.drills.record import score
    from irtui.store.repo import Store

    tmp = Path(tempfile.mkdtemp(prefix="irtui-bench-drills-"))
    db = tmp / "drill.db"
    clock = ManualClock(datetime(2026, 11, 22, 14, 0, tzinfo=UTC))
    store = Store.open(db, clock=clock, author="bench")
    iid = runner.start(store, find("db-connection-exhaustion"), speed=60).id
    store.ack(iid)
    for n in range(args.events):
        store.log(iid, f"entry {n}: checked the pool again", kind="note")
    runner.tick(store, iid)
    idle = median_ms(lambda: runner.tick(store, iid), args.runs * 5)

    def fire_one() -> None:
        clock.advance(seconds=1)  # a drill minute: sometimes something is due
        runner.tick(store, iid)

    firing = median_ms(fire_one, args.runs)
    view = median_ms(lambda: runner.view(store, iid), args.runs * 3)
    debrief = median_ms(lambda: score(store, iid), args.runs)
    events = len(store.events(iid))
    store.close()
    clock_env = {"IRTUI_CLOCK": (clock() + timedelta(seconds=1)).isoformat() + "!"}
    env = {**os.environ, "IRTUI_DB": str(db), "IRTUI_USER": "bench", **clock_env}
    version = process_ms([IRTUI, "--version"], env, args.runs)
    report = process_ms([IRTUI, "drill", "report", iid], env, args.runs)
    listing = process_ms([IRTUI, "drill", "list"], env, args.runs)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"drill incident with {events:,} events (SQLite, one file)\n")
    print("| what | median | against |")
    print("|---|---:|---|")
    print(f"| tick, nothing due (the 1 Hz case) | {idle:.2f} ms | budget 1,000 ms a second |")
    print(f"| tick, advancing a drill minute (fires when due) | {firing:.2f} ms | |")
    print(f"| facilitator view (script, states, next) | {view:.2f} ms | |")
    print(f"| scored debrief (in-process) | {debrief:.2f} ms | |")
    against = f"`irtui --version` {version:.0f} ms ({report / version:.2f}x)"
    print(f"| `irtui drill report` (process) | {report:.0f} ms | {against} |")
    print(f"| `irtui drill list` (process) | {listing:.0f} ms | {listing / version:.2f}x |")
    assert idle < 100, f"an idle tick must stay far below its 1 s period ({idle:.1f} ms)"


if __name__ == "__main__":
    main()
