"""Review benchmark: `irtui report` over 10,000 incidents, history import, and how the dfds
postmortems' human-reported figures compare with what irtui reads from their timelines.

    python bench/bench_review.py [--incidents 10000] [--events 500000] [--import 1000] [--runs 5]
    python bench/bench_review.py --compare-only     # only the dfds comparison table

Budgets (issue 6): report over 10,000 incidents <= 1 s; import of 1,000 incidents <= 5 s.
The report store comes from `make_store.py` (real domain events, ~50 per incident, drills
included) plus review facts (tags, completed reviews) and action items; the import input is
a generated Statuspage `incidents.json` of 1,000 incidents with four updates each, plus the
real github-statuses corpus (819) and the dfds postmortems (39 Markdown files). A third of
the generated Statuspage incidents are migrated records (one HTML post holding the timeline,
`created_at == resolved_at`), so HTML conversion and body timelines are measured too. Times
are medians; "in-process" is the library call, "CLI" the whole `irtui` process as a user pays
it. Prints Markdown tables; exits 1 over budget.

The dfds table: each postmortem's `## Stats` "time to detection" / "time to recovery" (what
its authors reported) beside irtui's TTD and TTR (and TTM, since "recovery" often means the
service came back while irtui's `resolved` is the end of the incident) read from the same
document's timeline; every difference over a minute is listed, not hidden.
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

from irtui.domain.timeutil import fmt_duration, iso
from irtui.importers import backfill, github_statuses, postmortems, statuspage
from irtui.review.events import ReviewEvent
from irtui.review.report import build_report, render_report
from irtui.store.actions_repo import ActionsRepo
from irtui.store.repo import Store

IRTUI = shutil.which("irtui") or str(Path(sys.executable).with_name("irtui"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.shared_material import candidates  # noqa: E402  one answer to "where is ../shared?"

DFDS = next(
    (path for base in candidates() if (path := base / "corpora" / "dfds-postmortems").is_dir()),
    Path("/work/shared/corpora/dfds-postmortems"),
)
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


def migrated_record(n: int, start: datetime) -> dict:
    """A migrated Statuspage record: one resolved post whose HTML body is the timeline."""
    lines = [
        (start + timedelta(minutes=m), text)
        for m, text in (
            (0, "Investigating errors"),
            (25, "Identified - a bad node"),
            (70, "Resolved - back to normal"),
        )
    ]
    body = (
        "<ul>"
        + "".join(
            f"<li><strong>{t:%Y-%m-%d %H:%M:%S}</strong> - {text} &amp; more</li>"
            for t, text in lines
        )
        + "</ul>"
    )
    stamp = iso(start + timedelta(days=2))
    return {
        "id": f"bench{n:05d}",
        "name": f"Migrated incident {n}",
        "status": "resolved",
        "impact": "minor",
        "created_at": stamp,
        "resolved_at": stamp,
        "components": [{"name": f"svc-{n % 9}"}],
        "incident_updates": [
            {"id": f"u{n}", "status": "resolved", "body": body, "created_at": stamp}
        ],
    }


def statuspage_doc(count: int) -> dict:
    base = datetime(2025, 1, 1, tzinfo=UTC)
    incidents = []
    for n in range(count):
        if n % 3 == 2:
            incidents.append(migrated_record(n, base + timedelta(hours=7 * n)))
            continue
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


def _dur(seconds: float | None, missing: str = "—") -> str:
    return missing if seconds is None else fmt_duration(seconds)


def dfds_comparison() -> str:
    """The dfds postmortems' reported TTD/TTR beside irtui's (see the module docstring)."""
    read = postmortems.read([DFDS])
    out = [
        "| postmortem | reported TTD | irtui TTD | reported TTR | irtui TTR | irtui TTM | "
        "differs |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    compared = agree = 0
    for bf in sorted(read.incidents, key=lambda b: b.source_ref):
        m = bf.milestones()
        rep = bf.extra.get("reported", {})
        ttd = (m["detected"] - m["started"]).total_seconds()
        ttr = (m["resolved"] - m["started"]).total_seconds()
        ttm = (m["mitigated"] - m["started"]).total_seconds() if m["mitigated"] else None
        notes = []
        for label, human, ours in (("TTD", rep.get("ttd_s"), ttd), ("TTR", rep.get("ttr_s"), ttr)):
            if human is None:
                continue
            compared += 1
            if abs(human - ours) <= 60:
                agree += 1
            else:
                notes.append(f"{label} {_dur(ours - human)}".replace("-", "−"))
        name = bf.source_ref.split(":", 1)[1][:11]
        out.append(
            f"| {name} | {_dur(rep.get('ttd_s'), '?')} | {_dur(ttd)} | "
            f"{_dur(rep.get('ttr_s'), '?')} | "
            f"{_dur(ttr)} | {_dur(ttm)} | {'; '.join(notes) or '—'} |"
        )
    for where, why in read.refused:
        out.append(f"| {Path(where).name[:11]} | — | — | — | — | — | not imported: {why} |")
    out.append("")
    out.append(
        f"{agree} of {compared} reported figures agree within a minute; {compared - agree} "
        "differ (listed above)."
    )
    return "\n".join(out) + "\n"


def github_ground_truth() -> str:
    """Imported TTR == the corpus' duration_minutes, for every github-statuses line."""
    rows = [json.loads(x) for x in CORPUS.read_text(encoding="utf-8").splitlines() if x.strip()]
    read = github_statuses.read(CORPUS)
    truth = {f"github-statuses:{r['id']}": r["duration_minutes"] * 60 for r in rows}
    same = sum(
        1
        for bf in read.incidents
        if bf.resolved is not None
        and (bf.resolved - bf.started).total_seconds() == truth[bf.source_ref]
    )
    return f"github-statuses: {same} of {len(rows)} durations equal the corpus' duration_minutes\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=500_000)
    ap.add_argument("--import", dest="import_n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--compare-only", action="store_true", help="only the dfds comparison")
    args = ap.parse_args()
    if DFDS.is_dir():
        print(dfds_comparison())
    if args.compare_only:
        return 0
    rows: list[tuple[str, float, float]] = []
    version = median_time(
        lambda: subprocess.run([IRTUI, "--version"], check=True, stdout=subprocess.DEVNULL),
        max(args.runs, 5),
    )
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
                read = reader.read(path) if reader is not postmortems else reader.read([path])
                result = backfill.import_incidents(store, read.incidents)
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
            again = backfill.import_incidents(store, statuspage.read(doc).incidents)
            rows.append(
                (
                    f"re-import {args.import_n:,} (all skipped), in-process",
                    time.perf_counter() - start,
                    5.0,
                )
            )
            assert not again.imported
            store.close()
        if DFDS.is_dir():
            rows.append(
                (
                    "import dfds postmortems (39 Markdown files), in-process",
                    fresh_import(postmortems, DFDS, "pm"),
                    5.0,
                )
            )
            pm_db = str(Path(tmp) / "pm-cli.db")
            start = time.perf_counter()
            subprocess.run(
                [IRTUI, "--db", pm_db, "import", "postmortem", str(DFDS)],
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            rows.append(
                ("`irtui import postmortem` dfds, CLI process", time.perf_counter() - start, 5.0)
            )
    if CORPUS.exists():
        print(github_ground_truth())
    print(f"`irtui --version` in this run: {version:.3f} s (the machine's pace; ratios below)\n")
    print("| measurement | median (s) | × `irtui --version` | budget (s) | ok |")
    print("|---|---:|---:|---:|---|")
    ok = True
    for name, secs, budget in rows:
        good = secs <= budget
        ok &= good
        print(
            f"| {name} | {secs:.3f} | {secs / version:.1f} | {budget:.1f} | "
            f"{'yes' if good else 'NO'} |"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
