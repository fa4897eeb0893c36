"""Multi-seat benchmark: write throughput of concurrent seats, and how fast another seat sees it.

    python bench/bench_multiseat.py [--entries 500] [--writers 4] [--repeat 3]
        [--samples 40] [--poll 0.1] [--pg postgresql://USER:PW@HOST:PORT/DB] [--out FILE]

For SQLite (a file in a temporary directory) and PostgreSQL (`--pg`, default
$IRTUI_TEST_PG_URL; a fresh database is created and dropped), it measures:

1. **Throughput**: WRITERS separate processes, released together, each logging ENTRIES timeline
   entries on one incident with `Store.log` (one durable transaction per entry, exactly what
   `irtui log` and the TUI's entry line do). Entries per second = all entries / wall time from
   release to the last commit. The same with one writer is shown for comparison, plus each
   entry's commit latency (p50 / p99 / max over all writers), which shows SQLite's unfair lock.
2. **Refresh latency**: seat A (this process) logs an entry at a random moment; seat B (another
   process) polls `ChangeFeed` every POLL seconds, as the TUI polls `change_marker()`. Latency =
   B's monotonic time when its poll returned the incident minus A's time when `log` returned.
   `time.monotonic()` is one system-wide clock on Linux, so the two processes compare directly.
   Measured again at the TUI's own 0.5 s poll. Also shown: the cost of one idle poll (the
   price every seat pays every POLL seconds).

Asserts (it is a bench, so speed is asserted here, never in unit tests): no entry lost, and the
median refresh latency stays under one second.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from irtui.store.live import ChangeFeed
from irtui.store.repo import Store

TUI_POLL_S = 0.5
"""`IrtuiApp`'s default poll interval: the latency users of the TUI actually get."""

WRITER = textwrap.dedent("""
    import sys, time
    from irtui.store.repo import Store
    url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store.open(url, author=name)
    print("ready", flush=True)
    sys.stdin.readline()
    lat = []
    for n in range(count):
        t = time.monotonic()
        store.log("INC-1", f"{name}:{n}")
        lat.append(time.monotonic() - t)
    print(time.monotonic(), " ".join(f"{x:.6f}" for x in lat), flush=True)
""")

WATCHER = textwrap.dedent("""
    import sys, time
    from irtui.store.live import ChangeFeed
    from irtui.store.repo import Store
    url, interval = sys.argv[1], float(sys.argv[2])
    store = Store.open(url, author="seat-b")
    feed = ChangeFeed(store)
    print("ready", flush=True)
    while True:
        if feed.poll():
            print(feed.marker, time.monotonic(), flush=True)
        time.sleep(interval)
""")


def _start(script: Path, args: list[str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(script), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != "ready":
        proc.kill()
        raise SystemExit(f"seat failed to start: {line} {proc.communicate()[1]}")
    return proc


def throughput(url: str, script: Path, writers: int, entries: int) -> dict[str, float]:
    with Store.open(url, author="bench") as s:
        s.declare("bench", 2)
        before = s.change_marker()
    procs = [_start(script, [url, f"w{k}", str(entries)]) for k in range(writers)]
    released = time.monotonic()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    ends, lat = [], []
    for p in procs:
        out, err = p.communicate(timeout=600)
        if p.returncode != 0 or err.strip():
            raise SystemExit(f"writer failed ({p.returncode}): {err}")
        end, samples = out.strip().split(" ", 1)
        ends.append(float(end))
        lat += [float(x) for x in samples.split()]
    wall = max(ends) - released
    with Store.open(url, author="bench") as s:
        written = s.change_marker() - before
        assert written == writers * entries, f"lost writes: {written} != {writers * entries}"
        assert s.verify_projection("INC-1")
    lat.sort()
    return {
        "eps": writers * entries / wall,
        "wall": wall,
        "p50": _pct(lat, 50),
        "p99": _pct(lat, 99),
        "max": lat[-1],
    }


def _median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median throughput, plus the slowest and fastest rates seen."""
    ordered = sorted(runs, key=lambda r: r["eps"])
    return {**ordered[len(ordered) // 2], "lo": ordered[0]["eps"], "hi": ordered[-1]["eps"]}


def _pct(sorted_values: list[float], pct: float) -> float:
    k = min(len(sorted_values) - 1, round(pct / 100 * (len(sorted_values) - 1)))
    return sorted_values[k]


def refresh_latency(
    url: str, script: Path, samples: int, poll: float, rng: random.Random
) -> dict[str, float]:
    with Store.open(url, author="seat-a") as a:
        a.declare("refresh", 2)
        watcher = _start(script, [url, str(poll)])
        assert watcher.stdout is not None
        lat = []
        try:
            for n in range(samples):
                time.sleep(rng.uniform(0.05, 0.05 + 2 * poll))  # random phase vs. B's poll
                event = a.log("INC-1", f"sample {n}")
                committed = time.monotonic()
                while True:
                    marker, seen = watcher.stdout.readline().split()
                    if int(marker) >= event.id:
                        break
                lat.append(float(seen) - committed)
        finally:
            watcher.kill()
            watcher.communicate()
        feed = ChangeFeed(a)
        started = time.perf_counter()
        for _ in range(1000):
            feed.poll()
        idle_poll = (time.perf_counter() - started) / 1000
    lat.sort()
    return {
        "mean": statistics.fmean(lat),
        "p50": _pct(lat, 50),
        "p95": _pct(lat, 95),
        "max": lat[-1],
        "idle_poll": idle_poll,
    }


@contextmanager
def pg_database(base: str) -> Iterator[str]:
    import psycopg

    name = f"irtui_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sqlite_file(tmp: Path, tag: str) -> Iterator[str]:
    yield str(tmp / f"{tag}.db")


def _rate(run: dict[str, float]) -> str:
    return f"{run['eps']:,.0f} ({run['lo']:,.0f}–{run['hi']:,.0f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=500, help="entries per writer")
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3, help="throughput runs (median shown)")
    ap.add_argument("--samples", type=int, default=40, help="refresh-latency samples")
    ap.add_argument("--poll", type=float, default=0.1, help="seat B's poll interval (s)")
    ap.add_argument(
        "--pg",
        default=os.environ.get("IRTUI_TEST_PG_URL", ""),
        help="PostgreSQL server URL (a fresh database is created on it)",
    )
    ap.add_argument("--out", help="also write the Markdown to this file")
    args = ap.parse_args()
    rng = random.Random(7)

    with tempfile.TemporaryDirectory(prefix="irtui-bench-ms-") as tmpdir:
        tmp = Path(tmpdir)
        writer = tmp / "writer.py"
        writer.write_text(WRITER)
        watcher = tmp / "watcher.py"
        watcher.write_text(WATCHER)
        engines: list[tuple[str, object]] = [
            ("SQLite (WAL, synchronous=FULL)", lambda tag: sqlite_file(tmp, tag))
        ]
        if args.pg:
            engines.append(("PostgreSQL (127.0.0.1)", lambda tag: pg_database(args.pg)))
        else:
            print("NO POSTGRESQL: pass --pg URL or set IRTUI_TEST_PG_URL", file=sys.stderr)
        rows = []
        for label, where in engines:
            runs_many, runs_one = [], []
            for n in range(args.repeat):  # fsync cost on shared/virtual disks is noisy
                with where(f"many{n}") as url:  # type: ignore[operator]
                    runs_many.append(throughput(url, writer, args.writers, args.entries))
                with where(f"one{n}") as url:  # type: ignore[operator]
                    runs_one.append(throughput(url, writer, 1, args.entries))
            many, one = _median_run(runs_many), _median_run(runs_one)
            with where("live") as url:  # type: ignore[operator]
                live = refresh_latency(url, watcher, args.samples, args.poll, rng)
            with where("tui") as url:  # type: ignore[operator]
                tui = refresh_latency(url, watcher, max(10, args.samples // 2), TUI_POLL_S, rng)
            rows.append((label, many, one, live, tui))
            print(f"{label}: done", file=sys.stderr)

    ms = 1000
    lines = [
        f"{args.writers} writer processes × {args.entries} entries (one durable transaction "
        f"each), median of {args.repeat} runs (min–max); seat B polls every "
        f"{args.poll * ms:.0f} ms. "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}.",
        "",
        f"| engine | {args.writers} writers: entries/s | 1 writer: entries/s | "
        "commit p50 / p99 / max (ms) | refresh mean / p50 / p95 / max (ms) | "
        f"refresh at the TUI's {TUI_POLL_S * ms:.0f} ms poll: mean / max (ms) | "
        "idle poll (ms) |",
        "|---|---:|---:|---|---|---|---:|",
    ]
    for label, many, one, live, tui in rows:
        lines.append(
            f"| {label} | {_rate(many)} | {_rate(one)} | "
            f"{many['p50'] * ms:.1f} / {many['p99'] * ms:.1f} / {many['max'] * ms:.0f} | "
            f"{live['mean'] * ms:.0f} / {live['p50'] * ms:.0f} / {live['p95'] * ms:.0f} / "
            f"{live['max'] * ms:.0f} | {tui['mean'] * ms:.0f} / {tui['max'] * ms:.0f} | "
            f"{live['idle_poll'] * ms:.3f} |"
        )
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    for label, _many, _one, live, tui in rows:
        assert live["p50"] < 1.0, f"{label}: median refresh {live['p50']:.2f} s (target < 1 s)"
        assert tui["max"] < 1.0, f"{label}: TUI refresh took {tui['max']:.2f} s (target < 1 s)"


if __name__ == "__main__":
    main()
