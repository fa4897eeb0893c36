"""The incident screen flags an imported incident whose record is doubtful (one call to
`domain.quality.quality_badge` in its header)."""

from __future__ import annotations

import json
from pathlib import Path

from irtui.importers import backfill, statuspage
from irtui.tui.screens.incident import IncidentScreen
from tests.review.test_import_quality import PAGE, posts_before_start, zero_length
from tests.tui.conftest import make_app


async def test_header_shows_the_quality_badge(store, clock, tmp_path: Path) -> None:
    path = tmp_path / "incidents.json"
    path.write_text(json.dumps({"page": PAGE, "incidents": [zero_length(), posts_before_start()]}))
    ids = backfill.import_incidents(store, statuspage.read(path).incidents).imported
    store.declare("A live one", 2)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        for iid, expected in (
            (ids[0], "⚠ zero length · one post · not in medians"),
            (ids[1], "⚠ posts outside window"),
        ):
            app.open(iid)
            await pilot.pause()
            assert isinstance(app.screen, IncidentScreen)
            header = str(app.screen.query_one("#inc-header").render())
            assert expected in header
            await pilot.press("escape")
            await pilot.pause()
        app.open("INC-3")
        await pilot.pause()
        assert "⚠" not in str(app.screen.query_one("#inc-header").render())
