"""The unanswered pages of the open incidents, for the board's "what is due next, and who owns
it": "paged erin, no answer yet → escalate to bob" is a deadline like an ack or an update.

Loaded like the task timers (`task_timers.TaskWatch`): once after the first frame, then only
for the incidents the change poll reports, with one indexed query (`paging_repo.page_events`)
folded by the pure `domain.paging`. No Textual here, and nothing read per tick.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class PageClock:
    """One unanswered page in the shape `domain.due_next` reads (`Pending`)."""

    entry_id: int  # the page number within its incident
    incident_id: str
    owner: str | None  # the person paged: the one expected to answer
    text: str  # "page → bob": who is next if nobody answers
    due: datetime
    window_s: int | None


class PageWatch:
    def __init__(self) -> None:
        self.pages: dict[str, list[PageClock]] = {}

    def reload(self, db: Any, incident_ids: list[str]) -> None:
        if not incident_ids:
            return
        # here, not at the top: the app builds its PageWatch before the board's first frame
        # and reads pages only after it
        from irtui.domain.paging import fold_pages, next_name
        from irtui.store.paging_repo import page_events

        found = page_events(db, incident_ids)
        for iid in incident_ids:
            waiting = [p for p in fold_pages(found.get(iid, [])) if p.waiting]
            clocks = []
            for page in waiting:
                nxt = next_name(page)
                clocks.append(
                    PageClock(
                        page.number,
                        iid,
                        page.display,
                        f"page → {nxt}" if nxt else "page",
                        page.due,
                        page.ack_within_s,
                    )
                )
            if clocks:
                self.pages[iid] = clocks
            else:
                self.pages.pop(iid, None)

    def of(self, incident_id: str) -> list[PageClock]:
        return self.pages.get(incident_id, [])
