"""The scenario library: scenarios shipped with irtui (package data, `irtui/drills/scenarios/`)
and scenario files of your own, found by id or path, checked against the runbook library.

Each shipped scenario is grounded in a failure mode of the bundled runbooks and tests one part
of the process: database connection exhaustion (update cadence), a bad deploy (the hand-off),
a third-party API outage (escalation), certificate expiry (communication).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from irtui.drills.scenario import Scenario, ScenarioError, load_scenario

SHIPPED_DIR = Path(__file__).resolve().parent / "scenarios"


def shipped_files() -> list[Path]:
    return sorted(SHIPPED_DIR.glob("*.yaml"))


def known_runbooks(dirs: Iterable[str | Path] | None = None) -> set[str]:
    """Runbook ids a scenario may reference: `--runbooks`, `$IRTUI_RUNBOOKS`, config and the
    bundled library (the same folders the war room reads)."""
    from irtui.runbooks.library import RunbookLibrary

    library = RunbookLibrary.from_config(list(dirs) if dirs else None)
    try:
        return {s.id for s in library.summaries()}
    finally:
        library.close()


def find(name: str, *, known: Collection[str] | None = None) -> Scenario:
    """A scenario by path (`./game-day.yaml`) or by shipped id (`certificate-expiry`)."""
    candidate = Path(name).expanduser()
    if candidate.is_file() or name.endswith((".yaml", ".yml")) or "/" in name:
        return load_scenario(candidate, known_runbooks=known)
    for path in shipped_files():
        if path.stem == name.strip().lower():
            return load_scenario(path, known_runbooks=known)
    ids = ", ".join(p.stem for p in shipped_files())
    raise ScenarioError(name, [(None, f"no scenario {name!r}: give a file, or one of {ids}")])


def catalogue(
    extra: Iterable[Path] = (), *, known: Collection[str] | None = None
) -> list[tuple[Path, Scenario | ScenarioError]]:
    """Every shipped (and extra) scenario, loaded; a broken file is listed with its error."""
    out: list[tuple[Path, Scenario | ScenarioError]] = []
    for path in [*shipped_files(), *extra]:
        try:
            out.append((path, load_scenario(path, known_runbooks=known)))
        except ScenarioError as exc:
            out.append((path, exc))
    return out
