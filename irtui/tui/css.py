"""Where the TUI's styles are, and when each file is read.

`app.tcss` holds the app's and the board's rules: Textual parses it before the board's first
frame. `screens.tcss` holds every other screen's (the incident screen, the dialogs, the
postmortem, the drills): parsing those four dozen rules was ~3 ms of the first paint, spent
on screens nobody had opened yet. Each such screen names it in its `CSS_PATH` (Textual reads
a screen's files when it first opens one), and `preload_screens_css` reads it once the board
has settled, so opening the first incident does not pay for the re-parse either.
"""

from __future__ import annotations

from typing import Any

from irtui.paths import styles_dir

APP_CSS = str(styles_dir() / "app.tcss")
SCREENS_CSS = str(styles_dir() / "screens.tcss")
RUNBOOKS_CSS = str(styles_dir() / "runbooks.tcss")


def preload_screens_css(app: Any) -> None:
    """Read `screens.tcss` into the app's stylesheet now, unless a screen already did: what
    Textual does when a screen naming it first opens (`App._load_screen_css`), done while
    the room reads the board."""
    stylesheet = app.stylesheet
    if stylesheet.has_source(SCREENS_CSS, ""):
        return
    stylesheet.read(SCREENS_CSS)
    stylesheet.reparse()
    stylesheet.update(app)
