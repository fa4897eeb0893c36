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


async def shoot(out: Path, name: str, size: tuple[int, int], keys: list[str]) -> Path:
    from irtui.demo import seed
    from irtui.domain.timeutil import ManualClock
    from irtui.store.repo import Store
    from irtui.tui.app import IrtuiApp

    clock = ManualClock(datetime(2026, 11, 22, 14, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "demo.db", clock=clock, author="alice")
        try:
            seed(store)
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
    args = parser.parse_args()
    os.environ["TZ"] = "UTC"
    time.tzset()
    args.out.mkdir(parents=True, exist_ok=True)
    made_png = False
    for name, size, keys in SHOTS:
        svg = asyncio.run(shoot(args.out, name, size, keys))
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
