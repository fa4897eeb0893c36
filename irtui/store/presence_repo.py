"""Presence: which seats are looking at which incident right now.

Each running TUI is a *seat* (a random id per process) that upserts a heartbeat row every few
seconds. A seat that stops beating (closed, killed, laptop asleep) simply ages out after
`TTL_S`; nothing has to clean up after a crash. Presence rows are not events: they are
ephemeral facts about the room, not the incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from irtui.domain.timeutil import iso, parse_iso
from irtui.store.db import Database

TTL_S = 15
"""A seat is shown as present for this long after its last heartbeat."""
HEARTBEAT_S = 5


@dataclass(frozen=True, slots=True)
class Seat:
    seat: str
    name: str
    incident_id: str | None
    seen_at: datetime


class PresenceRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def heartbeat(self, seat: str, name: str, incident_id: str | None, now: datetime) -> None:
        self.db.write(
            lambda db: db.execute(
                "INSERT INTO presence (seat, name, incident_id, seen_at) "
                "VALUES (:seat, :name, :iid, :now) ON CONFLICT (seat) DO UPDATE SET "
                "name = excluded.name, incident_id = excluded.incident_id, "
                "seen_at = excluded.seen_at",
                {"seat": seat, "name": name, "iid": incident_id, "now": iso(now)},
            )
        )

    def leave(self, seat: str) -> None:
        self.db.write(lambda db: db.execute("DELETE FROM presence WHERE seat = :s", {"s": seat}))

    def who(
        self, now: datetime, incident_id: str | None = None, *, ttl_s: int = TTL_S
    ) -> list[Seat]:
        """Seats seen within `ttl_s`, optionally only those on one incident."""
        sql = "SELECT seat, name, incident_id, seen_at FROM presence WHERE seen_at >= :since"
        params: dict[str, object] = {"since": iso(now - timedelta(seconds=ttl_s))}
        if incident_id is not None:
            sql += " AND incident_id = :iid"
            params["iid"] = incident_id
        rows = self.db.query(sql + " ORDER BY name, seat", params)
        return [Seat(r[0], r[1], r[2], parse_iso(r[3])) for r in rows]  # type: ignore[arg-type]

    def prune(self, now: datetime, *, older_than_s: int = 3600) -> int:
        """Delete rows of seats gone for an hour (keeps the table tiny)."""
        cutoff = iso(now - timedelta(seconds=older_than_s))
        return self.db.write(
            lambda db: db.execute("DELETE FROM presence WHERE seen_at < :c", {"c": cutoff}).rowcount
        )
