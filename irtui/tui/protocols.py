"""What screens and widgets may ask of the app, as a `Protocol`.

Screens type against `WarRoom` instead of importing `irtui.tui.app` (which imports the
screens): the layering stays one-way, app → screens, and a test can hand a screen any object
with these members.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from irtui.domain.model import Incident


class WarRoom(Protocol):
    store: Any
    seat_name: str
    incidents: dict[str, Incident]
    outbox_summary: str

    def now(self) -> datetime: ...

    def incident(self, incident_id: str) -> Incident: ...

    def open(self, incident_id: str) -> None: ...

    def back_to_board(self) -> None: ...

    def attempt(self, fn: Callable[[], Any], done: str | None = None) -> Any: ...

    def write(
        self,
        fn: Callable[[Any], Any],
        done: str | None = None,
        *,
        then: Callable[[Any], None] | None = None,
        failed: Callable[[Exception], None] | None = None,
        label: str = "",
    ) -> Any: ...

    def notify_cleaned(self, notices: tuple[str, ...] | None = None) -> None: ...

    def refresh_now(self) -> None: ...

    def beat(self) -> None: ...

    def who_else(self, incident_id: str) -> list[str]: ...

    def visible_screens(self) -> list[Any]: ...

    def typed_ahead(self) -> bool: ...

    def offer_status_page_resolve(self, incident_id: str) -> None: ...
