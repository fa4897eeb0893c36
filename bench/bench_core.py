"""Core CLI benchmark: whole-process time of the hot commands against store size.

    python bench/bench_core.py [--sizes 1000,10000,100000,500000] [--runs 7]

For each store size (events; incidents = events / 50) it generates a store with
`make_store.py`, then times, as separate processes (what a user or a script pays):
`python -c pass` (the floor), `irtui log`, `irtui show` (one incident), `irtui list`
(50 open incidents) and `irtui report` (everything: it is the one command whose cost must grow
with the store). Prints a Markdown table of medians in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bytecode import ensure_compiled
from make_store import generate

IRTUI = shutil.which("irtui") or str(Path(sys.executable).with_name("irtui"))


def timed(cmd: list[str], env: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        samples.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{cmd} failed: {done.stderr.decode()}")
    return statistics.median(samples) * 1000


def store_work_ms(db: str, ref: str, runs: int = 20) -> float:
    """In-process cost of `show` minus interpreter start and imports: open, read, fold."""
    from irtui.domain.clocks import clocks_dict
    from irtui.store.repo import Store

    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        with Store.open(db) as store:
            inc = store.get(ref)
            clocks_dict(inc, store.now())
            store.timeline(ref)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000,500000")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    ensure_compiled()
    sizes = [int(s) for s in args.sizes.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="irtui-bench-"))
    rows = []
    baseline = timed([sys.executable, "-c", "pass"], dict(os.environ), args.runs)
    for events in sizes:
        incidents = max(events // 50, 60)
        db = tmp / f"s{events}.db"
        start = time.perf_counter()
        generate(str(db), incidents, events, open_count=50)
        gen_s = time.perf_counter() - start
        env = {**os.environ, "IRTUI_DB": str(db), "IRTUI_USER": "bench"}
        middle = f"INC-{incidents // 2}"
        row = {
            "show_store_ms": store_work_ms(str(db), middle),
            "events": events,
            "incidents": incidents,
            "generate_s": gen_s,
            "log": timed([IRTUI, "log", f"INC-{incidents}", "bench entry"], env, args.runs),
            "show": timed([IRTUI, "show", middle], env, args.runs),
            "show_json": timed([IRTUI, "show", middle, "--json"], env, args.runs),
            "list": timed([IRTUI, "list"], env, args.runs),
        }
        try:
            row["report"] = timed(
                [IRTUI, "report", "--format", "json"], env, max(3, args.runs // 2)
            )
        except SystemExit as exc:
            print(f"report skipped: {exc}", file=sys.stderr)
            row["report"] = float("nan")
        rows.append(row)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"`python -c pass`: {baseline:.0f} ms (floor for any Python CLI)\n")
    print(
        "| events | incidents | generate | `log` | `show` | `show` store work | "
        "`show --json` | `list` | `report` |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['events']:,} | {r['incidents']:,} | {r['generate_s']:.1f} s | "
            f"{r['log']:.0f} ms | {r['show']:.0f} ms | {r['show_store_ms']:.1f} ms | "
            f"{r['show_json']:.0f} ms | "
            f"{r['list']:.0f} ms | {r['report']:.0f} ms |"
        )
    worst_show = max(r["show"] for r in rows)
    print(
        f"\nshow: worst {worst_show:.0f} ms (target: one incident in a 500k-event store well "
        "under 100 ms of store work)"
    )


if __name__ == "__main__":
    main()
