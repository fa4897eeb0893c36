"""Write the README screenshots: drive `irtui` headless on a demo store and save SVGs (and
PNGs when `rsvg-convert` or cairosvg is available) into `screenshots/`.

    /work/venv/bin/python scripts/screenshots.py [--out screenshots] [--no-png]

The clock is frozen (ManualClock) and the local timezone pinned to UTC so the pictures only
change when the UI does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (file name, terminal size, keys pressed from the board)
SHOTS: list[tuple[str, tuple[int, int], list[str]]] = [
    ("board", (120, 36), []),
    ("incident", (120, 36), ["enter"]),
    ("incident-command", (120, 36), ["enter", "escape"]),
    ("composer", (120, 36), ["enter", "escape", "u"]),
    ("handoff", (120, 36), ["enter", "escape", "r", *"dana"]),
    ("declare", (120, 36), ["n", *"Login failing for SSO users"]),
    ("help", (120, 36), ["question_mark"]),
    ("runbooks", (120, 36), ["b", *"pool"]),
    ("runbook-viewer", (120, 36), ["b", *"pool", "enter", "enter"]),
    ("runbook-pane", (160, 48), ["enter", "escape", "p"]),
    ("postmortem", (120, 36), ["enter", "escape", "m"]),
    ("board-80x24", (80, 24), []),
    ("incident-80x24", (80, 24), ["enter"]),
    ("incident-200x60", (200, 60), ["enter"]),
]
ONCALL_SHOTS: list[tuple[str, tuple[int, int], list[str]]] = [
    ("oncall-panel", (160, 48), ["enter"]),
    ("page-dialog", (160, 48), ["enter", "ctrl+g"]),
    ("oncall-handoff", (160, 48), ["enter", "f9"]),
]
"""Shots with the demo's service catalog and pages (irtui/oncall/demo.py)."""


async def shoot(
    out: Path, name: str, size: tuple[int, int], keys: list[str], *, oncall: bool = False
) -> Path:
    from irtui.demo import seed
    from irtui.domain.timeutil import ManualClock
    from irtui.store.repo import Store
    from irtui.tui.app import IrtuiApp

    clock = ManualClock(datetime(2026, 11, 22, 14, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "demo.db", clock=clock, author="alice")
        try:
            ids = seed(store)
            os.environ.pop("IRTUI_CATALOG", None)
            if oncall:
                from irtui.oncall.demo import seed_pages, write_catalog

                catalog = write_catalog(Path(tmp), store.now())
                os.environ["IRTUI_CATALOG"] = str(catalog)
                seed_pages(store, ids["sev1"], catalog)
            app = IrtuiApp(
                store,
                clock=clock,
                seat_name="alice",
                tick_s=3600,
                poll_s=3600,
                heartbeat=False,
                background_sync=False,
            )
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                if keys:
                    await pilot.press(*keys)
                await app.workers.wait_for_complete()  # drafts, searches, the writer
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                path = out / f"{name}.svg"
                app.save_screenshot(filename=path.name, path=str(out))
        finally:
            store.close()
    return path


DRILL_SHOTS: list[tuple[str, tuple[int, int], list[str]]] = [
    ("drill-facilitator", (140, 40), []),
    ("drill-debrief", (140, 44), ["D"]),
]
"""The facilitator's seat and the debrief of a drill twelve minutes in (`seed_drill`)."""


def seed_drill(store, clock) -> str:  # type: ignore[no-untyped-def]
    """db-connection-exhaustion started at 13:48: the players acknowledged, named an IC,
    restarted pods, sent an internal update, asked for a clue, decided to roll back and
    rehearsed a status-page post (kept in the drill sink); the clock then stops at 14:00."""
    from datetime import timedelta

    from irtui.drills import runner
    from irtui.drills.library import find
    from irtui.sync.config import SyncConfig
    from irtui.sync.publish import publish

    clock.set(clock() - timedelta(minutes=12))
    iid = runner.start(store, find("db-connection-exhaustion")).id
    steps = {
        2: lambda: store.ack(iid),
        3: lambda: store.assign_role(iid, "ic", "alice"),
        4: lambda: store.assign_role(iid, "scribe", "carol"),
        5: lambda: store.log(iid, "Restarted the checkout pods", kind="action"),
        7: lambda: store.record_update(
            iid, "Checkout is failing; the orders database is out of connections."
        ),
        9: lambda: runner.fire(store, iid, "what-changed"),
        10: lambda: store.log(iid, "Roll back release 5120", kind="decision", starred=True),
        11: lambda: publish(store, iid, "We are investigating failed checkouts.", SyncConfig()),
    }
    for minute in range(13):
        runner.tick(store, iid)
        if minute in steps:
            steps[minute]()
        if minute < 12:
            clock.advance(minutes=1)
    return iid


async def shoot_drill(out: Path, name: str, size: tuple[int, int], keys: list[str]) -> Path:
    from irtui.domain.timeutil import ManualClock
    from irtui.store.repo import Store
    from irtui.tui.facilitator_app import FacilitatorApp

    clock = ManualClock(datetime(2026, 11, 22, 14, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "drill.db", clock=clock, author="facilitator")
        try:
            iid = seed_drill(store, clock)
            app = FacilitatorApp(
                store,
                iid,
                clock=clock,
                seat_name="facilitator",
                tick_s=3600,
                poll_s=3600,
                heartbeat=False,
                background_sync=False,
            )
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                if keys:
                    await pilot.press(*keys)
                await pilot.pause()
                path = out / f"{name}.svg"
                app.save_screenshot(filename=path.name, path=str(out))
        finally:
            store.close()
    return path


def to_png(svg: Path) -> Path | None:
    png = svg.with_suffix(".png")
    if shutil.which("rsvg-convert"):
        # Without xml:space="preserve" librsvg drops the leading non-breaking space of each
        # text run, gluing words together ("irtuiwar room") in the PNG only.
        source = svg.read_text().replace("<svg ", '<svg xml:space="preserve" ', 1)
        subprocess.run(["rsvg-convert", "-o", str(png)], input=source.encode(), check=True)
        return png
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        return None
    cairosvg.svg2png(url=str(svg), write_to=str(png))
    return png


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--no-png", action="store_true")
    parser.add_argument("--only", action="append", metavar="NAME", help="only these shots")
    args = parser.parse_args()
    os.environ["TZ"] = "UTC"
    time.tzset()
    args.out.mkdir(parents=True, exist_ok=True)
    made_png = False
    shots = [(shoot, *shot, False) for shot in SHOTS]
    shots += [(shoot_drill, *shot, False) for shot in DRILL_SHOTS]
    shots += [(shoot, *shot, True) for shot in ONCALL_SHOTS]
    for take, name, size, keys, oncall in shots:
        if args.only and name not in args.only:
            continue
        if oncall:
            svg = asyncio.run(take(args.out, name, size, keys, oncall=True))
        else:
            svg = asyncio.run(take(args.out, name, size, keys))
        png = None if args.no_png else to_png(svg)
        made_png |= png is not None
        print(
            f"{svg.relative_to(ROOT) if svg.is_relative_to(ROOT) else svg}"
            + (f" + {png.name}" if png else "")
        )
    if not made_png and not args.no_png:
        print(
            "no SVG converter found (rsvg-convert from librsvg2-bin, or cairosvg): wrote SVG only",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
