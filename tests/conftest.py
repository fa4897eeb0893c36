"""Shared fixtures: a real SQLite store file (WAL) per test, a manual clock, an isolated HOME.

Every test runs with its own data/config/cache directories so nothing touches the developer's
real store, and with a fixed author so output is reproducible.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store

T0 = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
"""The frozen 'now' most tests start from."""

TRAVEL_ENV = "IRTUI_TEST_TRAVEL"
"""`IRTUI_TEST_TRAVEL=2027-03-28T00:59:30Z pytest` runs the whole suite with this process's
real clock moved to that instant (time-machine, ticking). No test may depend on today's
date: `.ci/run` runs the suite at a few awkward dates (a DST switch, a leap day, New Year's
Eve just before midnight) to prove it. Python child processes move with the run
(`tests/travel/sitecustomize.py` applies the same shift); a test whose clock is not the
system's must still hand it over to the children it starts (`timeutil.clock_env`)."""


def pytest_configure(config: pytest.Config) -> None:
    when = os.environ.get(TRAVEL_ENV, "").strip()
    if when and not os.environ.get("IRTUI_TEST_TRAVEL_SHIFT"):  # xdist workers: moved already
        import time_machine

        target = datetime.fromisoformat(when.replace("Z", "+00:00"))
        shift = (target - datetime.now(UTC)).total_seconds()
        traveller = time_machine.travel(target)
        traveller.start()
        os.environ["IRTUI_TEST_TRAVEL_SHIFT"] = f"{shift:.3f}"
        here = str(Path(__file__).parent / "travel")
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (here, os.environ.get("PYTHONPATH", "")) if p
        )
        config._irtui_travel = traveller  # type: ignore[attr-defined]


def pytest_report_header(config: pytest.Config) -> str | None:
    when = os.environ.get(TRAVEL_ENV, "").strip()
    return f"irtui: clock moved to {when} ({TRAVEL_ENV})" if when else None


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    base = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("IRTUI_DATA_DIR", "data"),
        ("IRTUI_CONFIG_DIR", "config"),
        ("IRTUI_CACHE_DIR", "cache"),
        ("IRTUI_STATE_DIR", "state"),
    ):
        monkeypatch.setenv(var, str(base / sub))
    for var in (
        "IRTUI_DB",
        "IRTUI_POLICY",
        "IRTUI_RUNBOOKS",
        "IRTUI_STATUSPAGE_TOKEN",
        "IRTUI_STATUSPAGE_URL",
        "IRTUI_STATUSPAGE_PAGE_ID",
        "IRTUI_CATALOG",
        "IRTUI_PAGERDUTY_ROUTING_KEY",
        "IRTUI_PAGERDUTY_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("IRTUI_USER", "tester")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "irtui.db"


@pytest.fixture
def store(db_path: Path, clock: ManualClock) -> Iterator[Store]:
    s = Store.open(db_path, clock=clock, author="alice")
    yield s
    s.close()


def pg_url_or_skip() -> str:
    """The PostgreSQL server for multi-seat tests. In CI (IRTUI_CI=1) it must exist."""
    url = os.environ.get("IRTUI_TEST_PG_URL", "")
    if not url:
        if os.environ.get("IRTUI_CI") == "1":
            pytest.fail(
                "IRTUI_TEST_PG_URL is not set in CI: .ci/run should have started PostgreSQL"
            )
        pytest.skip(
            "NO POSTGRESQL: set IRTUI_TEST_PG_URL to run the PostgreSQL half of the store "
            "tests; `bash .ci/start-postgres.sh` starts a throwaway server (Debian's packages) "
            "and prints its URL on its last line (CI always runs them)"
        )
    return url


@pytest.fixture
def pg_store_url() -> Iterator[str]:
    """A brand-new PostgreSQL database for one test (dropped afterwards)."""
    import uuid

    import psycopg

    base = pg_url_or_skip()
    name = f"irtui_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        yield url.replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, db_path: Path) -> str:
    """The same store tests on a real SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return str(db_path)
    return request.getfixturevalue("pg_store_url")


@pytest.fixture
def any_store(store_url: str, clock: ManualClock) -> Iterator[Store]:
    s = Store.open(store_url, clock=clock, author="alice")
    yield s
    s.close()
