"""What a player may read of a running drill: everything but the script.

A drill's `drill_started` event stores the whole scenario (so every seat and every restart
plays the same script), including the injects still to come and the answer key the debrief
scores against. While the drill runs, a player's `irtui export --format json` would read them
there; so the script is shown only once the drill is over, or to the facilitator who asks
for it (`--with-script`).
"""

from __future__ import annotations

from typing import Any

from irtui.domain.model import EventKind

HIDDEN = "hidden while the drill runs (the facilitator's: irtui export ID --with-script)"


def players_event(event: dict[str, Any], *, running: bool) -> dict[str, Any]:
    """The event as a player may read it: a running drill's script replaced by a note."""
    if not running or event.get("kind") != str(EventKind.DRILL_STARTED):
        return event
    payload = dict(event.get("payload") or {})
    scenario = payload.get("scenario")
    if isinstance(scenario, dict):
        payload["scenario"] = {
            "id": scenario.get("id"),
            "title": scenario.get("title"),
            "script": HIDDEN,
        }
    return {**event, "payload": payload}
