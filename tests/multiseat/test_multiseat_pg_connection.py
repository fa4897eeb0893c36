"""Issue 7, PostgreSQL across laptops: a seat survives losing its server connection.

A seat's connection can die under it (server restart, failover, a proxy's idle timeout, a
laptop waking from sleep). Before the fix in `Database._reconnect_if_lost`, every later read
and write failed with "the connection is closed" until the TUI was restarted.

A seat can also freeze in the middle of a write transaction while holding the writer lock
(lid closed, network cut, Ctrl-Z). Before `idle_in_transaction_session_timeout` was set on
every connection (`db._pg_connect`), every other seat's writes then hung until TCP noticed."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

import irtui.store.db as store_db
from irtui.domain.timeutil import ManualClock
from irtui.store.live import ChangeFeed
from irtui.store.repo import Store


def _kill_backend(url: str, store: Store) -> None:
    pid = store.db._conn.info.backend_pid
    admin_url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]


def test_seat_recovers_after_the_server_drops_its_connection(
    pg_store_url: str, clock: ManualClock
) -> None:
    with (
        Store.open(pg_store_url, clock=clock, author="ic") as seat,
        Store.open(pg_store_url, clock=clock, author="scribe") as other,
    ):
        seat.declare("flaky network", 2)
        feed = ChangeFeed(seat)
        _kill_backend(pg_store_url, seat)
        # the statement that meets the dead connection fails once, visibly...
        with pytest.raises(psycopg.OperationalError):
            seat.change_marker()
        # ...and the seat carries on: reads, live refresh and writes work again
        other.log("INC-1", "written while the seat was reconnecting")
        assert feed.poll() == ["INC-1"]
        event = seat.log("INC-1", "after reconnect")
        assert [t.text for t in other.timeline("INC-1")][-2:] == [
            "written while the seat was reconnecting",
            "after reconnect",
        ]
        assert other.event(event.id).author == "ic"
        assert seat.verify_projection("INC-1")


def test_write_whose_connection_died_is_reported_then_the_next_write_works(
    pg_store_url: str, clock: ManualClock
) -> None:
    with Store.open(pg_store_url, clock=clock, author="ic") as seat:
        seat.declare("flaky network", 2)
        _kill_backend(pg_store_url, seat)
        with pytest.raises(psycopg.OperationalError):
            seat.log("INC-1", "lost with the connection")  # reported, never silently redone
        seat.log("INC-1", "kept")
        assert [t.text for t in seat.timeline("INC-1")][-1] == "kept"
        assert "lost with the connection" not in {t.text for t in seat.timeline("INC-1")}


def test_a_closed_store_stays_closed(pg_store_url: str) -> None:
    seat = Store.open(pg_store_url, author="ic")
    seat.close()
    with pytest.raises(psycopg.OperationalError):
        seat.change_marker()


def test_a_seat_frozen_mid_write_does_not_block_the_room(
    pg_store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "PG_IDLE_TX_TIMEOUT_MS", 1000)  # 30 s in real life
    with (
        Store.open(pg_store_url, author="ic") as ic,
        Store.open(pg_store_url, author="frozen") as frozen,
    ):
        ic.declare("frozen laptop", 2)
        holding, thaw = threading.Event(), threading.Event()
        frozen_error: list[BaseException] = []

        def freeze_mid_write(db: store_db.Database) -> None:
            db.serialize_writers()  # holds the writer lock, as every write does first
            holding.set()
            thaw.wait(20)  # the laptop lid is closed here

        def frozen_seat() -> None:
            try:
                frozen.db.write(freeze_mid_write)
            except psycopg.Error as exc:  # IdleInTransactionSessionTimeout, at COMMIT
                frozen_error.append(exc)

        t = threading.Thread(target=frozen_seat)
        t.start()
        assert holding.wait(10)
        started = time.monotonic()
        ic.log("INC-1", "the room carries on")  # waits for the server to end the frozen tx
        waited = time.monotonic() - started
        thaw.set()
        t.join(20)
        assert waited < 10, waited
        assert len(frozen_error) == 1  # the frozen seat's write is reported as failed...
        frozen.log("INC-1", "back online")  # ...and its next write reconnects and works
        assert [e.text for e in ic.timeline("INC-1")][-2:] == ["the room carries on", "back online"]
        assert ic.verify_projection("INC-1")
