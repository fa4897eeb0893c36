"""Drill fixtures: a store on a manual clock, a small scenario file, and a drill started on it.

Times in these tests are drill-clock offsets from T0 (the conftest's frozen 'now'); nothing
depends on today's date."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from irtui.domain.timeutil import ManualClock
from irtui.drills import runner
from irtui.drills.library import find
from irtui.drills.scenario import Scenario, scenario_from_text
from irtui.store.repo import Store

SMALL = """\
id: small
title: Small drill
tests: [cadence]
briefing: A small scenario for tests.
severity: 2
services: [checkout]
runbooks: [database-connection-exhaustion]
injects:
  - {id: a, at: +0m, kind: alert, text: "alert A"}
  - {id: b, at: +4m, kind: metric, text: "metric B"}
  - {id: c, after: ack, delay: +1m, kind: metric, text: "after ack"}
  - {id: d, after: inject b, kind: news, text: "after b"}
  - {id: e, if: no update by +10m, kind: exec_message, text: "exec asks"}
  - {id: f, after: status identified, kind: failed_mitigation, text: "did not help"}
  - {id: g, at: +12m, kind: customer_report, text: "customers"}
  - {id: clue, kind: clue, ask: "What changed?", text: "a deploy"}
answer_key:
  mitigate_by: +15m
  expect:
    - {fact: ack, by: +5m}
    - {fact: update, by: +10m}
  decisions:
    - {text: Roll back, keywords: [roll back, rollback]}
"""


@pytest.fixture
def small() -> Scenario:
    return scenario_from_text(SMALL, "small.yaml")


@pytest.fixture
def start(store: Store) -> Callable[..., Any]:
    def go(scenario: Scenario | str, speed: float = 1.0, on: Store | None = None) -> Any:
        chosen = find(scenario) if isinstance(scenario, str) else scenario
        return runner.start(on or store, chosen, speed=speed)

    return go


def fired(store: Store, iid: str) -> dict[str, Any]:
    """Inject id -> its fire event (asserting each was fired at most once)."""
    out: dict[str, Any] = {}
    for event in store.events(iid):
        if event.kind == "drill_inject_fired":
            key = event.payload["inject"]
            assert key not in out, f"{key} fired twice"
            out[key] = event
    return out


def offsets(store: Store, iid: str, t0: Any) -> dict[str, float]:
    """Inject id -> drill offset in minutes at which it was stamped."""
    return {k: (e.at - t0).total_seconds() / 60 for k, e in fired(store, iid).items()}


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_for(store: Store, clock: ManualClock, iid: str, seconds: int, step: float = 1.0) -> None:
    """Advance the real clock second by second, ticking the drill each time."""
    for _ in range(int(seconds / step)):
        runner.tick(store, iid)
        clock.advance(seconds=step)
    runner.tick(store, iid)
