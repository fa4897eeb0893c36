"""Issue 7: two seats declaring at once get distinct gap-free `INC-n`; two seats changing
severity at once both land in the history (or one is refused clearly), deterministically."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest
from multiseat_support import DECLARER, SEVERITY, assert_clean, run_seats, write_script

from irtui.domain.model import DomainError, EventKind
from irtui.store.repo import Store


@pytest.mark.slow
def test_two_seats_declaring_100_incidents_each_get_200_distinct_gapless_ids(
    store_url: str, tmp_path: Path
) -> None:
    with Store.open(store_url, author="setup"):
        pass  # create + migrate first: the migration race has its own test
    script = write_script(tmp_path, "declarer", DECLARER)
    names = ["ic", "comms"]
    results = run_seats(script, [(store_url, n, 100) for n in names], names)
    assert_clean(results)
    acked = [line for r in results for line in r.stdout]
    assert len(acked) == 200 and len(set(acked)) == 200
    with Store.open(store_url, author="checker") as s:
        incidents = s.list_incidents(include_closed=True)
        numbers = sorted(i.number for i in incidents)
        assert numbers == list(range(1, 201))
        assert {i.id for i in incidents} == set(acked)
        assert {i.id for i in incidents} == {f"INC-{n}" for n in range(1, 201)}
        for r in results:  # each seat saw its own ids increase
            mine = [int(line.split("-")[1]) for line in r.stdout]
            assert mine == sorted(mine)
            assert {i.id for i in incidents if i.title.startswith(r.name + " ")} == set(r.stdout)
        assert s.db.scalar("SELECT value FROM counters WHERE name = 'incident'") == 200


def _race(url: str, targets: list[int], names: list[str]) -> list[str]:
    """Each seat (own connection, own thread) sets INC-1's severity at the same instant."""
    stores = [Store.open(url, author=n) for n in names]
    barrier = threading.Barrier(len(stores))
    outcome: list[str] = [""] * len(stores)

    def seat(k: int) -> None:
        barrier.wait()
        try:
            inc = stores[k].set_severity("INC-1", targets[k], reason=names[k])
            outcome[k] = f"ok SEV{inc.severity}"
        except DomainError as exc:
            outcome[k] = f"refused {exc}"

    threads = [threading.Thread(target=seat, args=(k,)) for k in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for s in stores:
        s.close()
    return outcome


def _severity_events(s: Store) -> list[tuple[str, int, int]]:
    return [
        (e.author, e.payload["from"], e.payload["severity"])
        for e in s.events("INC-1")
        if e.kind == EventKind.SEVERITY_CHANGED
    ]


@pytest.mark.slow
def test_conflicting_severity_changes_are_both_events_and_replay_deterministically(
    store_url: str,
) -> None:
    with Store.open(store_url, author="setup") as s:
        s.declare("conflicts", 3)
    rounds = 8
    for n in range(rounds):
        with Store.open(store_url, author="setup") as s:
            before = len(_severity_events(s))
        outcome = _race(store_url, [1, 2], [f"ic{n}", f"tl{n}"])
        assert outcome == ["ok SEV1", "ok SEV2"], outcome  # neither refused nor lost
        with Store.open(store_url, author="checker") as s:
            changes = _severity_events(s)[before:]
            assert {c[0] for c in changes} == {f"ic{n}", f"tl{n}"}  # both in the history
            # each change was validated against the other's result: a chain, not a fork
            assert changes[1][1] == changes[0][2]
            assert s.get("INC-1").severity == changes[-1][2]  # last committed wins
            assert s.verify_projection("INC-1")
            if n < rounds - 1:
                s.set_severity("INC-1", 3, reason="reset")


@pytest.mark.slow
def test_same_severity_from_two_seats_one_applies_one_refused_clearly(store_url: str) -> None:
    with Store.open(store_url, author="setup") as s:
        s.declare("same change twice", 3)
    for n in range(6):
        outcome = sorted(_race(store_url, [1, 1], [f"a{n}", f"b{n}"]))
        assert outcome == ["ok SEV1", "refused INC-1 is already SEV1"], outcome
        with Store.open(store_url, author="checker") as s:
            changes = _severity_events(s)
            assert changes[-1][1:] == (3, 1)
            assert s.verify_projection("INC-1")
            s.set_severity("INC-1", 3, reason="reset")


@pytest.mark.slow
def test_conflicting_severity_from_two_processes(store_url: str, tmp_path: Path) -> None:
    """The same race with real processes (separate interpreters, not just connections)."""
    with Store.open(store_url, author="setup") as s:
        s.declare("process race", 3)
    script = write_script(tmp_path, "severity", SEVERITY)
    results = run_seats(
        script,
        [(store_url, "ic", 1), (store_url, "comms", 1), (store_url, "tl", 2)],
        ["ic", "comms", "tl"],
    )
    assert_clean(results)
    lines = sorted(line for r in results for line in r.stdout)
    with Store.open(store_url, author="checker") as s:
        changes = _severity_events(s)
        final = s.get("INC-1").severity
        assert s.verify_projection("INC-1")
    # tl's SEV2 always applies; of the two SEV1 requests one applies, the other applies too
    # only if tl's change landed in between — otherwise it is refused as "already SEV1"
    assert results[2].stdout == ["ok 2"]
    applied = [line for line in lines if line.startswith("ok")]
    refused = [line for line in lines if line.startswith("refused")]
    assert len(applied) == len(changes) and len(applied) + len(refused) == 3
    assert all(line == "refused INC-1 is already SEV1" for line in refused)
    for prev, cur in itertools.pairwise(changes):
        assert cur[1] == prev[2]
    assert final == changes[-1][2]
