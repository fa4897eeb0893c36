"""What the integrity checks on open cost, against store size (issue 13, item 5).

    python bench/bench_store_open.py [--events 1000,10000,500000] [--runs 30]

Every open of a SQLite store reads its 100-byte header (size/page-count consistency: a
truncated file is refused before anything writes), opens a read-only probe connection (is it
irtui's?) and, for stores up to `QUICK_CHECK_MAX_BYTES`, runs `PRAGMA quick_check`. This
prints, per store size, the median in-process cost of each part and of a whole `Store.open`,
and the whole-process time of `irtui list`, as ratios against `irtui --version` measured in the
same run. It asserts the design: the open of a 500k-event store (no quick_check: too big)
costs no more than a few times the open of a small one, whatever its size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_store import generate
from timing import median_ms, process_ms

IRTUI = shutil.which("irtui") or str(Path(sys.executable).with_name("irtui"))


def main() -> None:
    from irtui.store.db import QUICK_CHECK_MAX_BYTES, Target, _check_header, _probe
    from irtui.store.repo import Store

    ap = argparse.ArgumentParser()
    ap.add_argument("--events", default="1000,10000,500000")
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="irtui-bench-open-"))
    env = {**os.environ, "IRTUI_USER": "bench"}
    version = process_ms([IRTUI, "--version"], env, max(5, args.runs // 3))
    rows = []
    for events in (int(e) for e in args.events.split(",")):
        db = tmp / f"s{events}.db"
        generate(str(db), max(events // 50, 60), events, open_count=50)
        size = db.stat().st_size
        target = Target("sqlite", path=db)
        uri = "file:" + quote(str(db)) + "?mode=ro"

        def quick(uri: str = uri) -> None:
            con = sqlite3.connect(uri, uri=True)
            con.execute("PRAGMA quick_check").fetchall()
            con.close()

        row = {
            "events": events,
            "mb": size / 1e6,
            "checked": size <= QUICK_CHECK_MAX_BYTES,
            "header_ms": median_ms(lambda db=db: _check_header(db), args.runs),
            "probe_ms": median_ms(lambda t=target: _probe(t), args.runs),
            "quick_check_ms": median_ms(quick, max(3, args.runs // 5)),
            "open_ms": median_ms(lambda db=db: Store.open(db).close(), args.runs),
            "list_ms": process_ms([IRTUI, "--db", str(db), "list"], env, max(5, args.runs // 3)),
        }
        rows.append(row)
    print(f"`irtui --version`: {version:.0f} ms (machine shared: figures are noisy)\n")
    print(
        "| events | MB | quick_check on open | header | probe | quick_check alone | "
        "Store.open | `irtui list` (x --version) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['events']:,} | {r['mb']:.1f} | {'yes' if r['checked'] else 'no'} | "
            f"{r['header_ms']:.3f} ms | {r['probe_ms']:.2f} ms | {r['quick_check_ms']:.1f} ms | "
            f"{r['open_ms']:.2f} ms | {r['list_ms']:.0f} ms ({r['list_ms'] / version:.2f}x) |"
        )
    small, big = rows[0], rows[-1]
    if not big["checked"]:
        # the design: a big store's open does not pay for its size
        assert big["open_ms"] < max(4 * small["open_ms"], small["open_ms"] + 10), rows
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
