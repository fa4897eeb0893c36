"""`Store`: the incident repository. Commands in, domain objects out.

Every write is one transaction that
1. takes the next event ids from the `change` counter (this row lock serialises writers, so ids
   are in commit order on both engines and double as the live-refresh marker),
2. re-reads the incident projection *inside* the transaction and lets the pure domain validate
   the command against it (two seats acting at once see each other's result: deterministic),
3. appends the events and upserts the projection, then commits (durable: synchronous=FULL).

Reads never touch SQLAlchemy; `show` of one incident is two indexed queries whatever the store
size.
"""

from __future__ import annotations

import getpass
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from irtui.boundary.text_in import clean_payload, collect_notices, one_line
from irtui.domain.clocks import incident_now
from irtui.domain.model import (
    PROJECTION_VERSION,
    Audience,
    DomainError,
    Event,
    EventKind,
    Incident,
    IncidentKind,
    Status,
    TimelineEntry,
)
from irtui.domain.order import FLOOR
from irtui.domain.timeline import build_timeline
from irtui.domain.timeutil import Clock, default_clock, fmt_when, iso, parse_iso, to_utc
from irtui.lazy import lazy_module
from irtui.store.db import Database, parse_target
from irtui.store.errors import NotFound

if TYPE_CHECKING:
    from irtui.domain import lifecycle
    from irtui.domain.policy import Policy
else:  # the rules for changes, loaded with the first change (not to read the board)
    lifecycle = lazy_module("irtui.domain.lifecycle")

Build = Callable[[Incident, datetime], list[Event]]
Extra = Callable[[Database, Incident, list[Event]], None]
_REF = re.compile(r"^\s*(?:inc-?)?(\d+)\s*$", re.IGNORECASE)

_INCIDENT_COLUMNS = (
    "id",
    "number",
    "title",
    "severity",
    "status",
    "kind",
    "is_open",
    "declared_at",
    "resolved_at",
    "ack_due",
    "next_due",
    "source_ref",
    "last_event_id",
    "state",
)
_UPSERT = (
    f"INSERT INTO incidents ({', '.join(_INCIDENT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in _INCIDENT_COLUMNS)}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _INCIDENT_COLUMNS if c != "id")
)
_INSERT_EVENT = (
    "INSERT INTO events (id, incident_id, at, recorded_at, author, kind, payload, refers_to) "
    "VALUES (:id, :incident_id, :at, :recorded_at, :author, :kind, :payload, :refers_to)"
)


def default_author() -> str:
    """`--as` default: $IRTUI_USER, else the login name."""
    name = os.environ.get("IRTUI_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"


def resolve_target(db: str | os.PathLike[str] | None) -> str | os.PathLike[str]:
    """--db, else $IRTUI_DB, else the platform data dir."""
    if db:
        return db
    env = os.environ.get("IRTUI_DB", "").strip()
    if env:
        return env
    from irtui.paths import default_db_path

    return default_db_path()


def incident_id(ref: str | int) -> str:
    """`INC-7`, `inc-7`, `inc7` and `7` all name INC-7."""
    match = _REF.match(str(ref))
    if not match:
        raise NotFound(f"{ref!r} is not an incident id (expected INC-<n>)")
    return f"INC-{int(match.group(1))}"


def next_due(incident: Incident) -> datetime | None:
    """The earliest pending deadline, stored so the board can sort in SQL."""
    if not incident.is_open:
        return None
    dues: list[datetime] = list(incident.update_due.values())
    if incident.ack_due and not incident.milestones.get("acknowledged"):
        dues.append(incident.ack_due)
    return min(dues) if dues else None


_IMPLAUSIBLY_LATE = timedelta(days=366)
"""An event time this far after its own recording cannot be right. Not tighter: a drill's
events are stamped on the drill's clock, which may run up to 600x ahead of the real time they
are recorded at (two real minutes at x60 are two drill hours), and reading a row does not know
its incident. The commands themselves refuse more than 2 minutes ahead on the incident's own
clock; this check is for values no command could have written (old versions, hand edits)."""


def read_time(raw: Any, recorded: datetime | None) -> tuple[datetime, str | None]:
    """A stored event time, and a flag when it cannot be trusted.

    Older irtui versions accepted a status change `--at 0999-06-01` and wrote it as
    `999-06-01T...`; such values, unreadable or outside any incident's range, must not make
    the incident unusable. The event is then placed when it was recorded and flagged with
    what was stored (shown on the timeline, in `show` and in exports), never hidden."""
    try:
        value = parse_iso(raw)
    except ValueError:
        value = None
        problem = f"unreadable time {str(raw)[:40]!r}"
    else:
        problem = None
        if value is None:
            problem = "no time stored"
        elif value < FLOOR or (recorded is not None and value > recorded + _IMPLAUSIBLY_LATE):
            problem = f"stored time {iso(value)} is out of range"
    if problem is None:
        return value, None  # type: ignore[return-value]
    fallback = recorded or FLOOR
    return fallback, f"{problem}; shown at the time it was recorded ({fmt_when(fallback)})"


def _event_from_row(row: Sequence[Any]) -> Event:
    try:
        recorded = parse_iso(row[3])
    except ValueError:
        recorded = None
    at, flag = read_time(row[2], recorded)
    return Event(
        id=row[0],
        incident_id=row[1],
        at=at,
        recorded_at=recorded or at,
        author=row[4],
        kind=row[5],
        payload=json.loads(row[6]),
        refers_to=row[7],
        flag=flag,
    )


_EVENT_SELECT = (
    "SELECT id, incident_id, at, recorded_at, author, kind, payload, refers_to FROM events"
)


class Store:
    """One open store. Thread-safe (one connection under a lock); cheap to keep open."""

    def __init__(
        self,
        db: Database,
        *,
        policy: Policy | Callable[[], Policy] | None = None,
        clock: Clock | None = None,
        author: str | None = None,
    ) -> None:
        self.db = db
        self._policy = policy
        self.clock = clock or default_clock()
        self.author = one_line(author or default_author(), "author", field="name") or "unknown"
        self.last_notices: tuple[str, ...] = ()
        """What the boundary took out of the text of the last write (shown to the user)."""

    # --- lifecycle of the store object ----------------------------------------------
    @classmethod
    def open(
        cls,
        target: str | os.PathLike[str] | None = None,
        *,
        policy: Policy | Callable[[], Policy] | None = None,
        clock: Clock | None = None,
        author: str | None = None,
        create: bool = True,
    ) -> Store:
        from irtui.store.schema import ensure_schema

        chosen = resolve_target(target)
        # Only irtui's own default location grows its directory; a --db/$IRTUI_DB path whose
        # directory is missing is a typo to report, not a place to create an empty store.
        default = not target and not os.environ.get("IRTUI_DB", "").strip()
        db = Database.open(parse_target(chosen), create=create, create_dirs=default)
        try:
            ensure_schema(db)
        except BaseException:
            db.discard_if_new()
            raise
        store = cls(db, policy=policy, clock=clock, author=author)
        store.upgrade_projections()
        return store

    def upgrade_projections(self) -> int:
        """Rebuild, from their events, the projections an older irtui wrote (they lack facts
        such as the peak severity, or hold a value it could not read back). Once per store:
        `irtui_meta.projection` records the version. A store that cannot be written keeps
        its old projections; reads then rebuild them in memory. Returns how many were."""
        want = str(PROJECTION_VERSION)
        try:
            if self.db.scalar("SELECT value FROM irtui_meta WHERE key = 'projection'") == want:
                return 0
        except Exception:
            return 0

        def tx(db: Database) -> int:
            db.serialize_writers()
            current = db.scalar("SELECT value FROM irtui_meta WHERE key = 'projection'")
            if current == want:
                return 0
            stale = db.query(
                "SELECT id FROM incidents WHERE state NOT LIKE :mark",
                {"mark": f'%"projection": {PROJECTION_VERSION}%'},
            )
            for (iid,) in stale:
                rebuilt = self._replay(db, iid)
                if rebuilt is not None:
                    db.execute(_UPSERT, self._row(rebuilt))
            if current is None:
                db.execute(
                    "INSERT INTO irtui_meta (key, value) VALUES ('projection', :v)", {"v": want}
                )
            else:
                db.execute("UPDATE irtui_meta SET value = :v WHERE key = 'projection'", {"v": want})
            return len(stale)

        try:
            return int(self.db.write(tx))
        except Exception:  # read-only, or busy past the retry budget: reads rebuild instead
            return 0

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def policy(self) -> Policy:
        """Loaded on first use: `irtui log` never needs it (and never pays for YAML)."""
        if self._policy is None or callable(self._policy):
            loader = self._policy
            if loader is None:
                from irtui.domain.policy import load_policy

                self._policy = load_policy(None)
            else:
                self._policy = loader()
        return self._policy  # type: ignore[return-value]

    @property
    def location(self) -> str:
        return self.db.target.display

    def now(self) -> datetime:
        return to_utc(self.clock())

    # --- the write path --------------------------------------------------------------
    def _take_ids(self, db: Database, name: str, n: int) -> list[int]:
        last = db.scalar(
            "UPDATE counters SET value = value + :n WHERE name = :name RETURNING value",
            {"n": n, "name": name},
        )
        return list(range(int(last) - n + 1, int(last) + 1))

    def _load(self, db: Database, iid: str) -> Incident:
        state = db.scalar("SELECT state FROM incidents WHERE id = :id", {"id": iid})
        if state is None:
            raise NotFound(f"no incident {iid} in {self.location}")
        return self._from_state(db, iid, state)

    def _from_state(self, db: Database, iid: str, state: str | dict[str, Any]) -> Incident:
        """The stored projection, or — when it is of an older version or holds a value that
        cannot be read — the projection rebuilt from the events (which are the truth)."""
        data: dict[str, Any] | None = None
        try:
            data = json.loads(state) if isinstance(state, str) else state
            if data.get("projection") == PROJECTION_VERSION:  # type: ignore[union-attr]
                return Incident.from_dict(data)  # type: ignore[arg-type]
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
        rebuilt = self._replay(db, iid)
        if rebuilt is not None:
            return rebuilt
        return Incident.from_dict(data)  # type: ignore[arg-type]

    def _replay(self, db: Database, iid: str) -> Incident | None:
        rows = db.query(f"{_EVENT_SELECT} WHERE incident_id = :iid ORDER BY id", {"iid": iid})
        try:
            return lifecycle.replay([_event_from_row(r) for r in rows])
        except (DomainError, ValueError, KeyError, TypeError):
            return None

    def _persist(
        self, db: Database, incident: Incident | None, events: list[Event], now: datetime
    ) -> tuple[Incident, list[Event]]:
        ids = self._take_ids(db, "change", len(events))
        stored = []
        state = incident
        for event, eid in zip(events, ids, strict=True):
            # The safety net under every command and importer: no string reaches the store
            # with a terminal escape, control or bidi override in it (boundary.text_in).
            event = replace(event, id=eid, recorded_at=now, payload=clean_payload(event.payload))
            state = lifecycle.apply(state, event)
            stored.append(event)
            db.execute(
                _INSERT_EVENT,
                {
                    "id": eid,
                    "incident_id": event.incident_id,
                    "at": iso(event.at),
                    "recorded_at": iso(now),
                    "author": event.author,
                    "kind": str(event.kind),
                    "payload": json.dumps(event.payload, ensure_ascii=False),
                    "refers_to": event.refers_to,
                },
            )
        assert state is not None
        db.execute(_UPSERT, self._row(state))
        return state, stored

    @staticmethod
    def _row(inc: Incident) -> dict[str, Any]:
        return {
            "id": inc.id,
            "number": inc.number,
            "title": inc.title,
            "severity": inc.severity,
            "status": str(inc.status),
            "kind": str(inc.kind),
            "is_open": int(inc.is_open),
            "declared_at": iso(inc.declared_at),
            "resolved_at": iso(inc.milestones["resolved"]),
            "ack_due": iso(inc.ack_due),
            "next_due": iso(next_due(inc)),
            "source_ref": inc.source_ref,
            "last_event_id": inc.last_event_id,
            "state": json.dumps(inc.to_dict(), ensure_ascii=False),
        }

    def _write(self, tx: Callable[[Database], Any]) -> Any:
        """`db.write(tx)`, collecting what the text boundary removed into `last_notices`."""
        with collect_notices() as notices:
            try:
                return self.db.write(tx)
            finally:
                self.last_notices = tuple(notices)

    def transact(
        self,
        ref: str | int,
        build: Build,
        extra: Extra | None = None,
    ) -> tuple[Incident, list[Event]]:
        """The one write path for an existing incident: `build(incident, now)` returns the
        events to append (validated by the domain against the fresh state inside the
        transaction); `extra(db, incident, events)` may write more rows in the same
        transaction (e.g. an outbox message beside an update event).

        `build` gets the incident's own time (`clocks.incident_now`): a drill's events are
        stamped on its drill clock, so its milestones and deadlines stay on that clock;
        `recorded_at` is always the real instant of the write."""
        iid = incident_id(ref)

        def tx(db: Database) -> tuple[Incident, list[Event]]:
            db.serialize_writers()
            now = self.now()
            incident = self._load(db, iid)
            if incident.deleted_at is not None:
                raise DomainError(f"{iid} is a deleted drill; its record is final")
            local = incident_now(incident, now)  # a drill's own clock; real time otherwise
            events = build(incident, local)
            if not events:
                return incident, []
            lifecycle.check_new_events(incident, events, local)
            state, stored = self._persist(db, incident, events, now)
            if extra is not None:
                extra(db, state, stored)
            return state, stored

        return self._write(tx)

    # --- commands ----------------------------------------------------------------------
    def declare(
        self,
        title: str,
        severity: int,
        *,
        services: Iterable[str] | None = None,
        impact: str = "",
        commander: str | None = None,
        drill: bool = False,
        kind: IncidentKind | str | None = None,
        started_at: datetime | None = None,
        detected_at: datetime | None = None,
        source_ref: str | None = None,
        at: datetime | None = None,
        author: str | None = None,
        then: Build | None = None,
    ) -> Incident:
        """Declare an incident: `INC-n` is taken from a counter in the same transaction, so
        two seats declaring at once get distinct ids. `at` (default now) is for backfills.
        `then(incident, now)` returns more events written in the same transaction (a drill's
        start: there is never a drill incident without its script)."""
        policy = self.policy
        who = author or self.author
        inc_kind = (
            IncidentKind(kind) if kind else (IncidentKind.DRILL if drill else IncidentKind.REAL)
        )

        def tx(db: Database) -> Incident:
            db.serialize_writers()
            now = self.now()
            when = to_utc(at) if at else now
            if source_ref is not None and db.scalar(
                "SELECT id FROM incidents WHERE source_ref = :s", {"s": source_ref}
            ):
                raise DomainError(f"an incident from {source_ref} already exists")
            number = self._take_ids(db, "incident", 1)[0]
            events = lifecycle.cmd_declare(
                incident_id=f"INC-{number}",
                number=number,
                title=title,
                severity=severity,
                policy=policy,
                now=when,
                author=who,
                services=list(services or []),
                impact=impact,
                commander=commander,
                kind=inc_kind,
                started_at=started_at,
                detected_at=detected_at,
                source_ref=source_ref,
            )
            state, _ = self._persist(db, None, events, now)
            more = then(state, when) if then is not None else []
            if more:
                state, _ = self._persist(db, state, more, now)
            return state

        return self._write(tx)

    def ack(self, ref: str | int, *, at: datetime | None = None) -> Incident:
        return self.transact(
            ref, lambda inc, now: lifecycle.cmd_ack(inc, now=now, author=self.author, at=at)
        )[0]

    def set_severity(self, ref: str | int, severity: int, *, reason: str = "") -> Incident:
        policy = self.policy
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_severity(
                inc, severity, policy=policy, now=now, author=self.author, reason=reason
            ),
        )[0]

    def set_status(
        self,
        ref: str | int,
        status: Status | str,
        *,
        at: datetime | None = None,
        note: str = "",
        checked: Iterable[str] | str = (),
        early_reason: str = "",
    ) -> Incident:
        """Change status. Resolving asks the policy's checklist (`checked`: item ids, or
        "all") and, before the monitoring hold is over, a reason (`early_reason`)."""
        answers = {checked} if isinstance(checked, str) else set(checked)
        checklist = self.policy.checklist if str(status) == Status.RESOLVED else ()
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_status(
                inc,
                status,
                now=now,
                author=self.author,
                at=at,
                note=note,
                checklist=checklist,
                checked=answers,
                early_reason=early_reason,
            ),
        )[0]

    def resolve(
        self,
        ref: str | int,
        *,
        checked: Iterable[str] | str,
        early_reason: str = "",
        at: datetime | None = None,
        note: str = "",
    ) -> Incident:
        """`set_status(ref, "resolved", ...)`, said plainly."""
        return self.set_status(
            ref, Status.RESOLVED, at=at, note=note, checked=checked, early_reason=early_reason
        )

    def mitigated(self, ref: str | int, *, at: datetime | None = None, note: str = "") -> Incident:
        """Mark the impact mitigated (its own milestone; TTM is measured to it)."""
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_mitigated(
                inc, now=now, author=self.author, at=at, note=note
            ),
        )[0]

    def staff(self, ref: str | int, assignments: list[tuple[str, str]]) -> Incident:
        """Name several empty roles at once (one transaction); a held role refuses the batch,
        never becomes a hand-off (`irtui.domain.staffing`)."""
        from irtui.domain.staffing import cmd_staff

        return self.transact(
            ref,
            lambda inc, now: cmd_staff(inc, assignments, now=now, author=self.author),
        )[0]

    def reopen(self, ref: str | int, reason: str) -> Incident:
        """Reopen a closed incident for corrections (an event with a reason)."""
        return self.transact(
            ref, lambda inc, now: lifecycle.cmd_reopen(inc, reason, now=now, author=self.author)
        )[0]

    def generated_brief(self, ref: str | int, role: str, to: str = "") -> str:
        """The hand-off brief the domain writes from the record (the outgoing person may
        replace it with their own)."""
        from irtui.domain.brief import build_brief
        from irtui.domain.model import normalise_role

        events = self.events(ref)
        inc = self.get(ref)
        return build_brief(
            inc, build_timeline(events), events, self.now(), role=normalise_role(role), to=to
        )

    def assign_role(
        self, ref: str | int, role: str, name: str, *, brief: str | None = None
    ) -> Incident:
        """Assign an empty role; a held one is offered to `name` instead (the hand-off
        protocol), with `brief` or, without one, the generated brief."""
        return self.handoff(ref, role, name, brief=brief)

    def handoff(self, ref: str | int, role: str, to: str, *, brief: str | None = None) -> Incident:
        """Offer a held role to `to` with a brief (stored verbatim); the role moves once `to`
        accepted with a read-back and the holder confirmed. An empty role is assigned."""
        from irtui.domain.model import normalise_role

        if brief is None or not brief.strip():
            key = normalise_role(role)  # only to see whether it is held: cleaned again below
            held = key in self.get(ref).roles
            brief = self.generated_brief(ref, key, to) if held else ""
        # The role as typed goes into the command, cleaned inside the write (what the text
        # boundary removes from it is then said, like any other field).
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_handoff(
                inc, role, to, now=now, author=self.author, brief=brief or ""
            ),
        )[0]

    def accept_handoff(self, ref: str | int, role: str, *, readback: str = "") -> Incident:
        """The named incoming person (this store's author) accepts, reading back the status."""
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_accept_handoff(
                inc, role, now=now, author=self.author, readback=readback
            ),
        )[0]

    def confirm_handoff(self, ref: str | int, role: str) -> Incident:
        """The outgoing person confirms the read-back; only now does the role move."""
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_confirm_handoff(inc, role, now=now, author=self.author),
        )[0]

    def withdraw_handoff(self, ref: str | int, role: str, *, reason: str = "") -> Incident:
        """Withdraw an offer (or, as the person it was offered to, decline it)."""
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_withdraw_handoff(
                inc, role, now=now, author=self.author, reason=reason
            ),
        )[0]

    def log(
        self,
        ref: str | int,
        text: str,
        *,
        kind: str = "note",
        at: datetime | None = None,
        starred: bool = False,
        task: dict[str, Any] | None = None,
        decision: dict[str, str] | None = None,
    ) -> Event:
        """Append a timeline entry; returns only once it is committed to disk. Backdated
        before `started` (or, a detection, before `detected`), the milestone moves too, as
        events of the same transaction."""
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_log(
                inc,
                text,
                now=now,
                author=self.author,
                kind=kind,
                at=at,
                starred=starred,
                task=task,
                decision=decision,
            ),
        )[1][-1]

    def amend(self, ref: str | int, event_id: int, text: str) -> Event:
        def build(inc: Incident, now: datetime) -> list[Event]:
            return lifecycle.cmd_amend(
                inc, self._event_of(inc.id, event_id), text, now=now, author=self.author
            )

        return self.transact(ref, build)[1][0]

    def retract(self, ref: str | int, event_id: int, reason: str) -> Event:
        def build(inc: Incident, now: datetime) -> list[Event]:
            return lifecycle.cmd_retract(
                inc, self._event_of(inc.id, event_id), reason, now=now, author=self.author
            )

        return self.transact(ref, build)[1][0]

    def record_update(
        self,
        ref: str | int,
        text: str,
        *,
        audience: str = "internal",
        at: datetime | None = None,
        publish: bool = False,
        posted_by_hand: bool = False,
        next_update: lifecycle.NextUpdate = None,
        extra: Extra | None = None,
    ) -> Event:
        """Record a stakeholder update that reached its audience (resets that audience's
        clock to `next_update`, else its cadence). The status page is reached by publishing
        (`extra` queues the outbox message in the same transaction) or by hand."""
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_update(
                inc,
                text,
                now=now,
                author=self.author,
                audience=audience,
                at=at,
                publish=publish,
                posted_by_hand=posted_by_hand,
                next_update=next_update,
            ),
            extra,
        )[1][0]

    def record_updates(
        self,
        ref: str | int,
        updates: Sequence[tuple[str, str]],
        *,
        publish: bool = False,
        posted_by_hand: bool = False,
        next_update: lifecycle.NextUpdate = None,
        extra: Extra | None = None,
    ) -> list[Event]:
        """Record one update to several audiences at once — `(audience, text)` pairs, each
        audience's own wording — in one transaction, so a multi-audience send is never half
        recorded. Every clock is set by the same promise. `publish`/`posted_by_hand` say how
        the status-page update (if one is among them) reached customers; `extra` gets the
        events in the order given (put the status page first to queue its outbox message)."""
        if not updates:
            raise DomainError("an update needs at least one audience")

        def build(inc: Incident, now: datetime) -> list[Event]:
            events: list[Event] = []
            for audience, text in updates:
                page = audience == str(Audience.STATUSPAGE)
                events += lifecycle.cmd_update(
                    inc,
                    text,
                    now=now,
                    author=self.author,
                    audience=audience,
                    publish=publish and page,
                    posted_by_hand=posted_by_hand and page,
                    next_update=next_update,
                )
            return events

        return self.transact(ref, build, extra)[1]

    def snooze(self, ref: str | int, target: str, until: datetime, reason: str) -> Incident:
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_snooze(
                inc, target, until, reason, now=now, author=self.author
            ),
        )[0]

    def set_milestone(
        self, ref: str | int, name: str, at: datetime, *, reason: str = ""
    ) -> Incident:
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_milestone(
                inc, name, at, now=now, author=self.author, reason=reason
            ),
        )[0]

    def set_milestones(
        self, ref: str | int, changes: dict[str, datetime], *, reason: str = ""
    ) -> Incident:
        """Correct several milestones in one transaction (e.g. impact started and detected
        from the TUI): applied in whichever order keeps them in order at every step."""

        def build(inc: Incident, now: datetime) -> list[Event]:
            names = list(changes)
            problem: DomainError | None = None
            for order in (names, names[::-1]):
                state, events = inc, []
                try:
                    for name in order:
                        new = lifecycle.cmd_milestone(
                            state, name, changes[name], now=now, author=self.author, reason=reason
                        )
                        for event in new:
                            state = lifecycle.apply(state, event)
                        events += new
                except DomainError as exc:
                    problem = problem or exc
                    continue
                return events
            assert problem is not None
            raise problem

        return self.transact(ref, build)[0]

    def change_details(
        self,
        ref: str | int,
        *,
        title: str | None = None,
        services: list[str] | None = None,
        impact: str | None = None,
        parts: dict[str, str] | None = None,
    ) -> Incident:
        """Edit the title, services, impact sentence or impact parts (who, how_many,
        regions: they rewrite the sentence unless one is given); only changes are kept."""
        from irtui.domain.details import cmd_edit_details

        return self.transact(
            ref,
            lambda inc, now: cmd_edit_details(
                inc,
                now=now,
                author=self.author,
                title=title,
                services=services,
                impact=impact,
                parts=parts,
            ),
        )[0]

    def set_link(self, ref: str | int, name: str, url: str | None) -> Incident:
        """Set a named link (dashboard, bridge, channel, ticket, ...), or remove it (None)."""
        from irtui.domain.links import cmd_link

        return self.transact(
            ref, lambda inc, now: cmd_link(inc, name, url, now=now, author=self.author)
        )[0]

    def edit_incident(
        self,
        ref: str | int,
        *,
        details: dict[str, Any] | None = None,
        links: dict[str, str | None] | None = None,
    ) -> Incident:
        """Details (`change_details`' keywords) and links (name -> value, None or "" removes)
        in one transaction: a refused link leaves the details unchanged too (the TUI's
        details dialog saves both at once)."""
        from irtui.domain.details import cmd_edit_details
        from irtui.domain.links import apply_link, cmd_link

        def build(inc: Incident, now: datetime) -> list[Event]:
            events: list[Event] = []
            if details:
                events += cmd_edit_details(inc, now=now, author=self.author, **details)
            probe = replace(inc) if links else inc  # apply_link gives it a new dict
            for name, value in (links or {}).items():
                made = cmd_link(probe, name, value, now=now, author=self.author)
                for event in made:
                    apply_link(probe, event.payload)
                events += made
            if not events:
                raise DomainError(f"nothing to change: {inc.id} already reads that way")
            return events

        return self.transact(ref, build)[0]

    def adopt_links(self, ref: str | int, links: list[tuple[str, str]]) -> list[Event]:
        """Add the offered links the incident has not got (the catalog's, after declare), in
        one transaction; the events written (none when there was nothing new)."""
        from irtui.domain.links import cmd_adopt_links

        if not links:
            return []
        return self.transact(
            ref, lambda inc, now: cmd_adopt_links(inc, links, now=now, author=self.author)
        )[1]

    def _task_fold(self, db: Database, iid: str) -> dict[int, Any]:
        from irtui.domain.tasks import TASK_EVENT_KINDS, fold_tasks

        params: dict[str, Any] = {"iid": iid}
        kinds = ", ".join(f":k{n}" for n in range(len(TASK_EVENT_KINDS)))
        params.update({f"k{n}": str(k) for n, k in enumerate(TASK_EVENT_KINDS)})
        rows = db.query(f"{_EVENT_SELECT} WHERE incident_id = :iid AND kind IN ({kinds})", params)
        return fold_tasks(_event_from_row(r) for r in rows)

    def tasks(self, ref: str | int) -> list[Any]:
        """Every task of one incident (open and done), oldest first (`domain.tasks.Task`)."""
        iid = incident_id(ref)
        self._load(self.db, iid)  # an unknown incident is said as such
        return sorted(self._task_fold(self.db, iid).values(), key=lambda t: t.entry_id)

    def _task_command(self, ref: str | int, command: Callable[..., list[Event]], **kw: Any) -> Any:
        """One task command through `transact`: the tasks are folded inside the write
        transaction (`self.db` is the transaction's connection there), so two seats marking
        the same task done at once get one `task_done` and one clear refusal."""

        def build(inc: Incident, now: datetime) -> list[Event]:
            tasks = self._task_fold(self.db, inc.id)
            return command(tasks, incident_id=inc.id, now=now, author=self.author, **kw)

        return self.transact(ref, build)[1][0]

    def task_done(self, ref: str | int, entry_id: int) -> Event:
        """Mark a task done (refused if it is done already or was retracted)."""
        from irtui.domain.tasks import cmd_task_done

        return self._task_command(ref, cmd_task_done, entry_id=entry_id)

    def task_reopen(self, ref: str | int, entry_id: int) -> Event:
        """Reopen a task done by mistake (an event: the `task_done` stays in history)."""
        from irtui.domain.tasks import cmd_task_reopen

        return self._task_command(ref, cmd_task_reopen, entry_id=entry_id)

    def task_update(self, ref: str | int, entry_id: int, **changes: Any) -> Event:
        """Give an open task an owner and/or a due time (`owner=None` / `due=None` clear)."""
        from irtui.domain.tasks import cmd_task_update

        return self._task_command(ref, cmd_task_update, entry_id=entry_id, **changes)

    def append(
        self,
        ref: str | int,
        kind: str,
        payload: dict[str, Any],
        *,
        at: datetime | None = None,
        refers_to: int | None = None,
    ) -> Event:
        """Append a plain event (task done, runbook step ticked, ...) with no rule of its own
        beyond the record's: its time in range, and never on a closed incident."""
        return self.transact(
            ref,
            lambda inc, now: lifecycle.cmd_event(
                inc, kind, payload, now=now, author=self.author, at=at, refers_to=refers_to
            ),
        )[1][0]

    # --- reads --------------------------------------------------------------------------
    def _event_of(self, iid: str, event_id: int) -> Event:
        rows = self.db.query(
            f"{_EVENT_SELECT} WHERE id = :id AND incident_id = :iid",
            {"id": int(event_id), "iid": iid},
        )
        if not rows:
            raise NotFound(f"no event {event_id} in {iid}")
        return _event_from_row(rows[0])

    def event(self, event_id: int) -> Event:
        rows = self.db.query(f"{_EVENT_SELECT} WHERE id = :id", {"id": int(event_id)})
        if not rows:
            raise NotFound(f"no event {event_id}")
        return _event_from_row(rows[0])

    def get(self, ref: str | int) -> Incident:
        return self._load(self.db, incident_id(ref))

    def list_incidents(
        self,
        *,
        include_closed: bool = False,
        limit: int | None = None,
    ) -> list[Incident]:
        """Open incidents, soonest deadline first; or every incident, newest first."""
        if include_closed:
            sql = "SELECT id, state FROM incidents ORDER BY number DESC"
        else:
            sql = (
                "SELECT id, state FROM incidents WHERE is_open = 1 "
                "ORDER BY CASE WHEN next_due IS NULL THEN 1 ELSE 0 END, next_due, number"
            )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        found = (self._from_state(self.db, r[0], r[1]) for r in self.db.query(sql))
        return [i for i in found if i.deleted_at is None]  # a deleted drill is gone from lists

    def recently_resolved(self, since: datetime, *, limit: int = 25) -> list[Incident]:
        """Incidents resolved (or closed) since `since`, most recent first, at most `limit`:
        bounded whatever the store's history (the board's "recently resolved" toggle)."""
        from irtui.store.queries import recently_resolved_states

        found = (
            self._from_state(self.db, d.get("id", ""), d)
            for d in recently_resolved_states(self.db, since, limit)
        )
        return [i for i in found if i.deleted_at is None]  # a deleted drill is gone

    def incidents_between(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Incident]:
        """Incidents declared in [since, until), oldest first (reports)."""
        from irtui.store.queries import incident_states_between

        return [
            self._from_state(self.db, d.get("id", ""), d)
            for d in incident_states_between(self.db, since, until)
        ]

    def events(self, ref: str | int, *, after_id: int = 0) -> list[Event]:
        """All events of one incident in commit order (optionally only those after an id)."""
        rows = self.db.query(
            f"{_EVENT_SELECT} WHERE incident_id = :iid AND id > :after ORDER BY id",
            {"iid": incident_id(ref), "after": after_id},
        )
        return [_event_from_row(r) for r in rows]

    def latest_events(self, ref: str | int, limit: int) -> list[Event]:
        """The incident's last `limit` events, oldest first: what a long timeline shows first
        (its newest entries) while the rest is read in the background. One indexed range
        read, whatever the incident's length."""
        rows = self.db.query(
            f"{_EVENT_SELECT} WHERE incident_id = :iid ORDER BY id DESC LIMIT {max(int(limit), 0)}",
            {"iid": incident_id(ref)},
        )
        return [_event_from_row(r) for r in reversed(rows)]

    def timeline(self, ref: str | int, *, include_system: bool = True) -> list[TimelineEntry]:
        return build_timeline(self.events(ref), include_system=include_system)

    def change_marker(self) -> int:
        """The id of the last committed event: one indexed read, polled by every seat."""
        return int(self.db.scalar("SELECT value FROM counters WHERE name = 'change'") or 0)

    def changed_since(self, marker: int, upto: int | None = None) -> list[str]:
        """Ids of incidents with events in (marker, upto] — what a seat must re-read. Pass the
        marker just read as `upto` so an event committed between the two reads is reported
        by the next poll, not twice. De-duplicated here, not with SQL DISTINCT: SQLite would
        answer DISTINCT by scanning a whole (incident_id, id) index (45 ms at 500k events)
        where this range read walks the primary key (0.04 ms)."""
        sql = "SELECT incident_id FROM events WHERE id > :m"
        params = {"m": marker}
        if upto is not None:
            sql += " AND id <= :u"
            params["u"] = upto
        return sorted({r[0] for r in self.db.query(sql, params)})

    def update_times(
        self,
        incident_ids: Iterable[str] | None = None,
    ) -> dict[str, dict[str, list[datetime]]]:
        """When each audience was updated, per incident (for update-gap compliance)."""
        rows = self.db.query(
            "SELECT incident_id, at, payload FROM events WHERE kind = :k ORDER BY at",
            {"k": str(EventKind.UPDATE_SENT)},
        )
        wanted = set(incident_ids) if incident_ids is not None else None
        out: dict[str, dict[str, list[datetime]]] = {}
        for iid, at, payload in rows:
            if wanted is not None and iid not in wanted:
                continue
            audience = json.loads(payload).get("audience", "internal")
            when, flag = read_time(at, None)
            if flag is None:
                out.setdefault(iid, {}).setdefault(audience, []).append(when)
        return out

    def verify_projection(self, ref: str | int) -> bool:
        """Replaying the events gives exactly the stored projection (used by tests, `doctor`)."""
        replayed = lifecycle.replay(self.events(ref))
        return replayed is not None and replayed.to_dict() == self.get(ref).to_dict()


def open_store(db: str | Path | None = None, **kwargs: Any) -> Store:
    """Shorthand for `Store.open` (used by the TUI, the CLI and tests)."""
    return Store.open(db, **kwargs)
