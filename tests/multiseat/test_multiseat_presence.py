"""Issue 7, presence: who else is on an incident right now, with a heartbeat that expires.

Each seat has its own connection (its own `Store`), as separate terminals would; the clock is
a `ManualClock`, so expiry is exact and instant on both engines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from irtui.domain.timeutil import ManualClock
from irtui.store.presence_repo import HEARTBEAT_S, TTL_S, PresenceRepo
from irtui.store.repo import Store


@pytest.fixture
def seats(store_url: str, clock: ManualClock) -> Iterator[dict[str, PresenceRepo]]:
    names = ("ic", "scribe", "comms")
    stores = [Store.open(store_url, clock=clock, author=n) for n in names]
    stores[0].declare("presence", 2)
    yield {n: PresenceRepo(s.db) for n, s in zip(names, stores, strict=True)}
    for s in stores:
        s.close()


def _names(repo: PresenceRepo, clock: ManualClock, iid: str | None = "INC-1") -> list[str]:
    return [s.name for s in repo.who(clock(), iid)]


def test_seats_see_each_other_until_the_heartbeat_expires(
    seats: dict[str, PresenceRepo], clock: ManualClock
) -> None:
    ic, scribe, comms = seats["ic"], seats["scribe"], seats["comms"]
    ic.heartbeat("seat-ic", "ic", "INC-1", clock())
    scribe.heartbeat("seat-scribe", "scribe", "INC-1", clock())
    comms.heartbeat("seat-comms", "comms", None, clock())  # on the board, not the incident
    assert _names(comms, clock) == ["ic", "scribe"]  # every seat reads the same room
    assert _names(ic, clock, None) == ["comms", "ic", "scribe"]

    # ic keeps beating; scribe's terminal was closed without a goodbye (kill -9, laptop lid)
    for _ in range(TTL_S // HEARTBEAT_S + 1):
        clock.advance(seconds=HEARTBEAT_S)
        ic.heartbeat("seat-ic", "ic", "INC-1", clock())
    assert _names(comms, clock) == ["ic"]
    assert [s.seat for s in scribe.who(clock(), "INC-1")] == ["seat-ic"]

    # exactly at the TTL edge a seat still counts; one second later it does not
    clock.advance(seconds=TTL_S)
    assert _names(comms, clock) == ["ic"]
    clock.advance(seconds=1)
    assert _names(comms, clock) == []

    # coming back is one heartbeat; moving to another incident moves the seat
    scribe.heartbeat("seat-scribe", "scribe", "INC-1", clock())
    assert _names(ic, clock) == ["scribe"]
    scribe.heartbeat("seat-scribe", "scribe", "INC-2", clock())
    assert _names(ic, clock) == []
    assert _names(ic, clock, "INC-2") == ["scribe"]


def test_leave_and_prune(seats: dict[str, PresenceRepo], clock: ManualClock) -> None:
    ic, scribe = seats["ic"], seats["scribe"]
    ic.heartbeat("seat-ic", "ic", "INC-1", clock())
    scribe.heartbeat("seat-scribe", "scribe", "INC-1", clock())
    ic.leave("seat-ic")  # a clean quit disappears at once, not after the TTL
    assert _names(scribe, clock) == ["scribe"]
    clock.advance(hours=2)
    ic.heartbeat("seat-ic2", "ic", "INC-1", clock())
    assert scribe.prune(clock()) == 1  # the scribe's stale row, not the fresh one
    assert ic.db.scalar("SELECT COUNT(*) FROM presence") == 1


def test_same_name_from_two_terminals_is_two_seats(
    seats: dict[str, PresenceRepo], clock: ManualClock
) -> None:
    """`--as alice` in a tmux pane and on a laptop: both are shown, neither overwrites."""
    seats["ic"].heartbeat("pane-1", "alice", "INC-1", clock())
    seats["scribe"].heartbeat("laptop", "alice", "INC-1", clock())
    assert sorted(s.seat for s in seats["comms"].who(clock(), "INC-1")) == ["laptop", "pane-1"]
