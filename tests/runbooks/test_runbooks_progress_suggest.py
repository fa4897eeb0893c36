"""Checklists per incident (events -> timeline) and runbook suggestions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from irtui.domain.model import EventKind
from irtui.runbooks.library import RunbookLibrary
from irtui.runbooks.model import RunbookSummary
from irtui.runbooks.progress import (
    fold_progress,
    pin_runbook,
    tick_step,
    toggle_step,
    unpin_runbook,
)
from irtui.runbooks.suggest import suggest


@pytest.fixture
def library(tmp_path: Path, bundled_dir: Path) -> Any:
    lib = RunbookLibrary([bundled_dir], tmp_path / "index.sqlite")
    yield lib
    lib.close()


def test_pin_tick_untick_fold_and_timeline(any_store: Any, library: Any, clock: Any) -> None:
    """On SQLite and on PostgreSQL: the runbook index itself is always a local SQLite file."""
    store = any_store
    incident = store.declare("Primary database down", 1, services=["postgres"])
    runbook = library.resolve("database-failover")
    assert pin_runbook(store, incident.id, runbook) is not None
    assert pin_runbook(store, incident.id, runbook) is None  # pinning twice records nothing
    clock.advance(minutes=3)
    tick_step(store, incident.id, runbook, 3)
    clock.advance(minutes=1)
    tick_step(store, incident.id, runbook, 1)
    toggle_step(store, incident.id, runbook, 1)  # un-tick
    progress = fold_progress(store.events(incident.id))[runbook.id]
    assert progress.title == "Database failover" and progress.pinned_by == "alice"
    assert progress.is_done(3) and not progress.is_done(1) and progress.done_count == 1
    assert progress.steps[3].text == runbook.steps[2].text
    total = len(runbook.steps)
    texts = [entry.text for entry in store.timeline(incident.id)]
    assert "Runbook pinned: Database failover" in texts
    assert any(t.startswith(f"Runbook Database failover: step 3 of {total} done — ")
               for t in texts), texts  # fmt: skip
    assert any(f"step 1 of {total} un-ticked" in t for t in texts)
    step_events = [e for e in store.events(incident.id) if e.kind == EventKind.RUNBOOK_STEP]
    assert step_events[0].payload["runbook"] == "database-failover"
    assert step_events[0].payload["step"] == 3 and step_events[0].payload["done"] is True
    with pytest.raises(ValueError):
        tick_step(store, incident.id, runbook, total + 1)


def test_fold_ignores_foreign_and_malformed_payloads(store: Any, library: Any) -> None:
    incident = store.declare("x", 3)
    store.append(incident.id, EventKind.RUNBOOK_STEP, {"runbook": "r", "step": "three"})
    store.append(incident.id, EventKind.RUNBOOK_STEP, {"text": "no runbook"})
    store.append(incident.id, EventKind.RUNBOOK_STEP, {"runbook": "r", "number": 2,
                                                       "checked": True})  # fmt: skip
    progress = fold_progress(store.events(incident.id))
    assert list(progress) == ["r"] and progress["r"].is_done(2)


def test_suggestions_from_services_alerts_tags_and_title(library: Any) -> None:
    top = library.suggest("Postgres connection pool exhausted", ["postgres"])
    assert top[0].id == "database-connection-exhaustion"
    assert any("service postgres" in r for r in top[0].reasons)
    by_alert = library.suggest("KubePodOOMKilled firing on checkout", [])
    assert by_alert[0].id == "memory-leak-oom"
    assert "alert KubePodOOMKilled in title" in by_alert[0].reasons
    assert library.suggest("completely unrelated words", []) == []


def test_suggest_is_deterministic_and_limited() -> None:
    items = [
        RunbookSummary(f"r{i}", Path(f"r{i}.md"), f"Disk runbook {i}", services=("db",))
        for i in range(10)
    ]
    result = suggest("disk alarm", ["DB"], items, limit=3)
    assert [s.id for s in result] == ["r0", "r1", "r2"]
    assert result[0].score == 6.0  # service (5) + one title word (1)


def test_unpin_takes_a_runbook_off_and_a_repin_brings_its_ticks_back(
    store: Any, library: Any
) -> None:
    incident = store.declare("Primary database down", 1, services=["postgres"])
    runbook = library.resolve("database-failover")
    assert unpin_runbook(store, incident.id, runbook.id) is None  # not pinned: nothing
    pin_runbook(store, incident.id, runbook)
    tick_step(store, incident.id, runbook, 2)
    assert unpin_runbook(store, incident.id, runbook.id) is not None
    assert fold_progress(store.events(incident.id)) == {}
    assert unpin_runbook(store, incident.id, runbook.id) is None  # twice: nothing new
    texts = [entry.text for entry in store.timeline(incident.id)]
    assert "Runbook unpinned: Database failover" in texts
    assert any("step 2 of" in t for t in texts)  # the tick stays a fact on the timeline
    pin_runbook(store, incident.id, runbook)
    assert fold_progress(store.events(incident.id))[runbook.id].is_done(2)
    unpin_runbook(store, incident.id, runbook.id)
    tick_step(store, incident.id, runbook, 4)  # a tick re-pins, keeping what was ticked
    progress = fold_progress(store.events(incident.id))[runbook.id]
    assert progress.is_done(2) and progress.is_done(4)
