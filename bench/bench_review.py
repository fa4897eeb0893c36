"""Review benchmark: `irtui report` over 10,000 incidents and history import of 1,000.

    python bench/bench_review.py [--incidents 10000] [--events 500000] [--import 1000] [--runs 5]

Budgets (issue 6): report over 10,000 incidents <= 1 s; import of 1,000 incidents <= 5 s.
The report store comes from `make_store.py` (real domain events, ~50 per incident, drills
included) plus review facts (tags, completed reviews) and action items; the import input is
a generated Statuspage `incidents.json` of 1,000 incidents with four updates each, plus the
real github-statuses corpus (819). Times are medians; "in-process" is the library call, "CLI"
the whole `irtui` process as a user pays it. Prints a Markdown table; exits 1 over budget.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_store import generate

from irtui.domain.timeutil import iso
from irtui.importers import backfill, github_statuses, statuspage
from irtui.review.events import ReviewEvent
from irtui.review.report import build_report, render_report
from irtui.store.actions_repo import ActionsRepo
from irtui.store.repo import Store

IRTUI = shutil.which("irtui") or str(Path(sys.executable).with_name("irtui"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.shared_material import candidates  # noqa: E402  one answer to "where is ../shared?"

CORPUS = next(
    (
        path
        for base in candidates()
        if (path := base / "corpora" / "github-statuses" / "parsed" / "incidents.jsonl").is_file()
    ),
    Path(__file__).resolve().parents[2]
    / "shared"
    / "corpora"
    / "github-statuses"
    / "parsed"
    / "incidents.jsonl",
)


def median_time(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def add_review_facts(db: str, incidents: int) -> None:
    """Tags on every 3rd incident, completed reviews on every 2nd, 2,000 action items."""
    store = Store.open(db, author="bench")
    rng = random.Random(7)
    now = store.now()

    def tx(_db) -> None:
        for n in range(1, incidents + 1, 3):
            store.append(
                f"INC-{n}",
                str(ReviewEvent.TAGGED),
                {"tags": [rng.choice(["db", "deploy", "dns", "cache", "queue"])]},
            )
        for n in range(2, incidents + 1, 2):
            store.append(f"INC-{n}", str(ReviewEvent.REVIEW_COMPLETED), {})
        repo = ActionsRepo(store.db)
        for k in range(2000):
            repo.add(
                f"INC-{rng.randint(1, incidents)}",
                f"action {k}",
                type=rng.choice(["prevent", "detect", "mitigate", "document"]),
                now=now,
                due=(now + timedelta(days=rng.randint(-30, 30))).date(),
            )

    store.db.write(tx)
    store.close()


def statuspage_doc(count: int) -> dict:
    base = datetime(2025, 1, 1, tzinfo=UTC)
    incidents = []
    for n in range(count):
        start = base + timedelta(hours=7 * n)
        times = [start + timedelta(minutes=m) for m in (5, 20, 50, 80)]
        statuses = ["investigating", "identified", "monitoring", "resolved"]
        incidents.append(
            {
                "id": f"bench{n:05d}",
                "name": f"Bench incident {n}",
                "status": "resolved",
                "impact": ["minor", "major", "critical", "none"][n % 4],
                "created_at": iso(times[0]),
                "started_at": iso(start),
                "resolved_at": iso(times[3]),
                "components": [{"name": f"svc-{n % 9}"}],
                "incident_updates": [
                    {"status": s, "body": f"{s} {n}", "created_at": iso(t), "display_at": iso(t)}
                    for s, t in reversed(list(zip(statuses, times, strict=True)))
                ],
            }
        )
    return {"page": {"id": "bench"}, "incidents": incidents}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=500_000)
    ap.add_argument("--import", dest="import_n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "report.db")
        t = time.perf_counter()
        generate(db, args.incidents, args.events, now=datetime.now(UTC))
        add_review_facts(db, args.incidents)
        print(
            f"generated {args.incidents} incidents / {args.events} events in "
            f"{time.perf_counter() - t:.1f} s",
            file=sys.stderr,
        )
        store = Store.open(db)
        for fmt in ("md", "json", "csv"):
            secs = median_time(
                lambda fmt=fmt: render_report(build_report(store, None, None, store.now()), fmt),
                args.runs,
            )
            rows.append((f"report {args.incidents:,} incidents ({fmt}), in-process", secs, 1.0))
        store.close()
        env = {**os.environ, "IRTUI_DB": db}
        secs = median_time(
            lambda: subprocess.run(
                [IRTUI, "report"], env=env, check=True, stdout=subprocess.DEVNULL
            ),
            args.runs,
        )
        rows.append((f"`irtui report` {args.incidents:,} incidents, CLI process", secs, 1.0))

        doc = Path(tmp) / "incidents.json"
        doc.write_text(json.dumps(statuspage_doc(args.import_n)))

        def fresh_import(reader, path, name) -> float:
            samples = []
            for k in range(max(args.runs // 2, 2)):
                target = str(Path(tmp) / f"{name}{k}.db")
                store = Store.open(target, author="bench")
                start = time.perf_counter()
                result = backfill.import_incidents(store, reader.read(path))
                samples.append(time.perf_counter() - start)
                assert not result.failed, result.failed[:3]
                store.close()
            return statistics.median(samples)

        rows.append(
            (
                f"import statuspage {args.import_n:,} incidents, in-process",
                fresh_import(statuspage, doc, "sp"),
                5.0,
            )
        )
        cli_db = str(Path(tmp) / "cli.db")
        start = time.perf_counter()
        subprocess.run(
            [IRTUI, "--db", cli_db, "import", "statuspage", str(doc)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        rows.append(
            (
                f"`irtui import statuspage` {args.import_n:,} incidents, CLI process",
                time.perf_counter() - start,
                5.0,
            )
        )
        if CORPUS.exists():
            rows.append(
                (
                    "import github-statuses corpus (819 incidents), in-process",
                    fresh_import(github_statuses, CORPUS, "gh"),
                    5.0,
                )
            )
            store = Store.open(cli_db)
            start = time.perf_counter()
            again = backfill.import_incidents(store, statuspage.read(doc))
            rows.append(
                (
                    f"re-import {args.import_n:,} (all skipped), in-process",
                    time.perf_counter() - start,
                    5.0,
                )
            )
            assert not again.imported
            store.close()
    print("| measurement | median (s) | budget (s) | ok |")
    print("|---|---:|---:|---|")
    ok = True
    for name, secs, budget in rows:
        good = secs <= budget
        ok &= good
        print(f"| {name} | {secs:.3f} | {budget:.1f} | {'yes' if good else 'NO'} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
