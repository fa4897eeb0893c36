"""The facilitator's app: the war room with the drill facilitator's seat first, driving one
drill's injects once a second (whoever is looking at which screen).

An app of its own, beside `irtui.tui.app`, so that screens never import an app.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from irtui.tui.app import IrtuiApp
from irtui.tui.screens.drill_facilitator import DrillFacilitatorScreen


class FacilitatorApp(IrtuiApp):
    """The war room with the facilitator's seat first, driving one drill's injects."""

    def __init__(self, store: Any, incident_id: str, **kwargs: Any) -> None:
        super().__init__(store, **kwargs)
        self.drill_id = incident_id
        self.drill_problem = ""

    def get_default_screen(self) -> Screen[Any]:
        self.load()
        return DrillFacilitatorScreen(self.drill_id)

    def tick(self) -> None:
        self.drive_drill()
        super().tick()

    def drive_drill(self) -> list[Any]:
        """Fire what is due (whoever is looking at which screen)."""
        from irtui.drills import runner

        try:
            fired = runner.tick(self.store, self.drill_id)
        except Exception as exc:  # a locked store: say it once, try again next second
            if str(exc) != self.drill_problem:
                self.drill_problem = str(exc)
                self.notify(f"drill not driven: {exc}", severity="error", markup=False)
            return []
        self.drill_problem = ""
        if fired:
            self.refresh_now()
        return fired
