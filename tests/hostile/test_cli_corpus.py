"""The hostile corpus through every CLI command (issue 13, quality bar).

In-process for breadth (every argument of every command x every corpus value, each on a fresh
copy of a seeded store, each under a time limit); real subprocesses for the contract only a
process shows (exit status, the bytes on the streams, no hang, no traceback) — a sample per
command plus the inputs that only exist outside Python (invalid UTF-8 in argv).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from irtui.domain.timeutil import ManualClock
from tests.hostile import driver
from tests.hostile.corpus import TEXT

LEAVES = driver.leaves()
SLOW_BASE_S = 0.3
"""A command whose plain run takes longer gets the reduced corpus (the suite stays bounded)."""
TUI_LEAVES = {("tui",), ("demo",)}


@pytest.fixture(autouse=True)
def _no_real_tui(monkeypatch: pytest.MonkeyPatch) -> None:
    """`irtui tui`/`demo` get as far as building the app; the Pilot driver covers the screens."""
    import irtui.cli.tui_cmd

    monkeypatch.setattr(irtui.cli.tui_cmd, "_run", lambda app: None)


def test_every_command_is_probed() -> None:
    """A new command in COMMANDS is a new leaf here: nothing to register by hand."""
    from irtui.cli.main import COMMANDS

    assert {leaf.words[0] for leaf in LEAVES} == set(COMMANDS)


def _run_all(probes: list[driver.Probe], world: dict[str, Any], tmp_path: Path) -> list[str]:
    state_dir = Path(os.environ["IRTUI_STATE_DIR"])
    failures: list[str] = []
    for probe in probes:
        clock = ManualClock(world["clock_at"])
        try:
            outcome = driver.run_in_process(probe, world["template"], tmp_path, clock, state_dir)
        except driver.ProbeTimeout as exc:
            failures.append(f"{probe.leaf} [{probe.what}]: hang ({exc})")
            continue
        failures += [f"{probe.leaf} [{probe.what}]: {p}" for p in driver.check(probe, outcome)]
        if os.environ.get("IRTUI_HOSTILE_SLOW") and outcome.seconds > 0.25:
            print(f"SLOW {outcome.seconds:.2f}s {probe.leaf} [{probe.what}]")
    return failures


@pytest.mark.parametrize("leaf", LEAVES, ids=[leaf.name for leaf in LEAVES])
def test_hostile_values_in_every_argument(
    leaf: driver.Leaf, world: dict[str, Any], hostile_files: dict[str, Path], tmp_path: Path
) -> None:
    first = next(driver.probes(leaf, world, TEXT, hostile_files))
    started = time.perf_counter()
    failures = _run_all([first], world, tmp_path)
    slow = time.perf_counter() - started > SLOW_BASE_S
    probes = list(
        driver.probes(leaf, world, TEXT, hostile_files, reduced=slow, scratch=tmp_path / "w")
    )[1:]
    failures += _run_all(probes, world, tmp_path)
    assert not failures, f"{len(failures)} of {len(probes)} probes:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("leaf", LEAVES, ids=[leaf.name for leaf in LEAVES])
def test_damaged_and_foreign_stores_are_refused_by_every_command(
    leaf: driver.Leaf, world: dict[str, Any], hostile_files: dict[str, Path], tmp_path: Path
) -> None:
    probes = list(driver.store_refusals(leaf, world, hostile_files))
    typo = driver.missing_directory(tmp_path)
    probes.append(driver.Probe(leaf.name, "--db=typo-dir", driver.base_argv(leaf, world), db=typo))
    digests = {name: _digest(path) for name, path in hostile_files.items() if path.is_file()}
    state_dir = Path(os.environ["IRTUI_STATE_DIR"])
    failures: list[str] = []
    for probe in probes:
        clock = ManualClock(world["clock_at"])
        outcome = driver.run_in_process(probe, world["template"], tmp_path, clock, state_dir)
        failures += [f"{probe.what}: {p}" for p in driver.check(probe, outcome)]
        if str(probe.db) not in outcome.opened:
            continue  # never looked at --db (runbook commands, help, demo's own store)
        if outcome.code != 2 or str(probe.db) not in outcome.err:
            failures.append(
                f"{probe.what}: exit {outcome.code}, not a refusal naming the store: "
                f"{outcome.err.strip()[:200]!r}"
            )
        if ".recover" in outcome.err and "damaged" not in outcome.err:
            failures.append(f"{probe.what}: .recover advised for a store that is not damaged")
    failures += [
        f"{name} was modified"
        for name, path in hostile_files.items()
        if path.is_file() and _digest(path) != digests[name]
    ]
    assert not typo.parent.parent.exists(), "a directory was created for a --db path"
    assert not failures, "\n".join(failures[:40])


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
