"""Snapshots (pytest-textual-snapshot) of the main screens at 120x36 with a frozen clock.

Update after a reviewed visual change with `pytest tests/tui/test_snapshots.py
--snapshot-update`, and look at the report before committing.
"""

from __future__ import annotations

import time_machine

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from tests.conftest import T0
from tests.tui.conftest import make_app

SIZE = (120, 36)


def _app(store: Store, clock: ManualClock):
    return make_app(store, clock)


def test_board_snapshot(snap_compare, store: Store, clock: ManualClock, demo_ids):
    with time_machine.travel(T0, tick=False):
        assert snap_compare(_app(store, clock), terminal_size=SIZE)


def test_incident_snapshot(snap_compare, store: Store, clock: ManualClock, demo_ids):
    with time_machine.travel(T0, tick=False):
        assert snap_compare(_app(store, clock), terminal_size=SIZE, press=["enter"])


def test_composer_snapshot(snap_compare, store: Store, clock: ManualClock, demo_ids):
    with time_machine.travel(T0, tick=False):
        assert snap_compare(_app(store, clock), terminal_size=SIZE, press=["enter", "escape", "u"])


def test_help_snapshot(snap_compare, store: Store, clock: ManualClock, demo_ids):
    with time_machine.travel(T0, tick=False):
        assert snap_compare(_app(store, clock), terminal_size=SIZE, press=["question_mark"])


def test_board_narrow_snapshot(snap_compare, store: Store, clock: ManualClock, demo_ids):
    with time_machine.travel(T0, tick=False):
        assert snap_compare(_app(store, clock), terminal_size=(80, 24))


def test_incident_command_mode_snapshot(snap_compare, store: Store, clock: ManualClock, demo_ids):
    """`Esc` on the incident screen: the entry bar turns into the command bar."""
    with time_machine.travel(T0, tick=False):
        assert snap_compare(_app(store, clock), terminal_size=SIZE, press=["enter", "escape"])
