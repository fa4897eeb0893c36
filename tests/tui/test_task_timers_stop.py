"""A resolved incident's task timers stop: no nag, no red countdown on its screen."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from irtui.domain.model import Status
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.screens.incident import IncidentScreen
from irtui.tui.task_timers import TaskTimer, TaskWatch


def test_expired_skips_the_timers_of_a_resolved_incident(
    store: Store, clock: ManualClock, demo_ids: dict[str, str]
) -> None:
    now = clock()
    open_one = store.get(demo_ids["sev1"])
    resolved = replace(open_one, status=Status.RESOLVED)
    watch = TaskWatch()
    watch.timers = {1: TaskTimer(1, open_one.id, "bob", "check lag", now - timedelta(minutes=1))}
    assert watch.expired(now, {open_one.id: resolved}) == []
    assert [t.entry_id for t in watch.expired(now, {open_one.id: open_one})] == [1]


def test_a_resolved_incidents_task_shows_stopped_not_overdue(clock: ManualClock) -> None:
    from irtui.domain.brief import OpenTask

    now = clock()
    task = OpenTask(1, "check lag", "bob", now - timedelta(minutes=5), now - timedelta(hours=1))
    assert IncidentScreen.task_timer(task, now).plain.startswith("-5m")  # overdue while open
    assert IncidentScreen.task_timer(task, now, running=False).plain == "stopped"
