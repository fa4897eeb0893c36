"""The board and the incident screen at 80x24, 160x48 and 200x60 with a long title, a long
decision record and entries that wrap (issue 14): pinned by snapshots. Look at the rendered
PNGs after an update (`rsvg-convert x.svg -o x.png`), not only at the diff.
"""

from __future__ import annotations

import pytest
import time_machine

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from tests.conftest import T0
from tests.tui.conftest import make_app

SIZES = [(80, 24), (160, 48), (200, 60)]
LONG_TITLE = (
    "Checkout and payments failing with 502s for most customers in EU and US after the "
    "gateway certificate rotation"
)
LONG_ENTRY = (
    "Error rate down to 31% after the rollback but not zero: the payments-api connection pool "
    "is saturated at 500/500 and the replica in eu-west lags by 40 s; bob is checking whether "
    "the pool limit change from last week is the cause, erin recycles the pods one by one"
)


@pytest.fixture
def long_ids(store: Store, clock: ManualClock, demo_ids: dict[str, str]) -> dict[str, str]:
    inc = store.declare(
        LONG_TITLE,
        severity=1,
        services=["checkout", "payments-api", "api-gateway", "cdn-edge"],
        impact="~70% of checkout attempts fail in EU and US; orders are not being placed",
        commander="alice",
    )
    store.set_link(inc.id, "dashboard", "https://grafana.example.com/d/checkout")
    store.set_link(inc.id, "channel", "#inc-checkout")
    clock.advance(minutes=2)
    store.log(inc.id, LONG_ENTRY, kind="action")
    clock.advance(minutes=1)
    store.log(
        inc.id,
        "Roll back #4821 now, tax fix re-applied after",
        kind="decision",
        starred=True,
        decision={
            "proposal": "roll back deploy #4821 and keep the feature flag off until the pool "
            "limit is understood; bob owns the rollback, erin watches the error rate",
            "objections": "dana: the rollback also reverts the EU tax fix; accepted for an hour",
            "call": "Roll back #4821 now, tax fix re-applied after",
        },
    )
    clock.advance(minutes=1)
    store.log(
        inc.id,
        "recycle payments-api pods [/] x [/ y [red]",
        kind="action",
        task={"text": "recycle payments-api pods [/] x [/ y [red]", "owner": "erin"},
    )
    return {**demo_ids, "long": inc.id}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_board_sizes_snapshot(snap_compare, store: Store, clock: ManualClock, long_ids, size):
    with time_machine.travel(T0, tick=False):
        assert snap_compare(make_app(store, clock), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_incident_sizes_snapshot(snap_compare, store: Store, clock: ManualClock, long_ids, size):
    app = make_app(store, clock, open_incident=long_ids["long"])
    with time_machine.travel(T0, tick=False):
        assert snap_compare(app, terminal_size=size)
