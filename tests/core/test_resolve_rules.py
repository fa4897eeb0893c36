"""Resolving asks the checklist and minds the monitoring hold (configurable in the policy,
validated with file:line), lists open tasks and offers the final updates — in the store and
through `irtui status ID resolved`."""

from __future__ import annotations

from pathlib import Path

import pytest

from irtui.domain.model import DomainError
from irtui.domain.policy import DEFAULT_CHECKLIST, PolicyError, load_policy, parse_policy
from irtui.domain.resolution import hold_view
from irtui.store.repo import Store
from tests.cli_runner import Cli

SEEDS = (
    "service_restored",
    "metrics_normalised",
    "impact_ended",
    "monitoring_in_place",
    "mitigations_documented",
)


def test_bundled_policy_has_the_seeds_checklist_and_holds() -> None:
    policy = load_policy(None)
    assert tuple(i.id for i in policy.checklist) == SEEDS
    assert policy.level(1).monitoring_hold_s == 15 * 60
    assert policy.level(2).monitoring_hold_s == 10 * 60
    assert policy.level(3).monitoring_hold_s is None


def test_every_item_must_be_checked(store: Store, clock):
    inc = store.declare("x", 3)
    with pytest.raises(DomainError, match="not checked: service_restored"):
        store.resolve(inc.id, checked=())
    with pytest.raises(DomainError, match="not checked: mitigations_documented"):
        store.resolve(inc.id, checked=SEEDS[:-1])
    with pytest.raises(DomainError, match="unknown checklist item vibes"):
        store.resolve(inc.id, checked=("vibes",))
    inc = store.resolve(inc.id, checked=SEEDS)
    assert store.events(inc.id)[-1].payload["checklist"] == {
        i.id: i.text for i in DEFAULT_CHECKLIST
    }


def test_the_monitoring_hold_is_a_clock_and_early_needs_a_reason(store: Store, clock):
    inc = store.declare("Checkout down", 1)
    clock.advance(minutes=10)
    with pytest.raises(DomainError, match=r"asks for 15m in monitoring .*not in monitoring"):
        store.resolve(inc.id, checked="all")
    inc = store.set_status(inc.id, "monitoring")
    clock.advance(minutes=4)
    hold = hold_view(inc, clock())
    assert hold is not None and hold.text == "11m00s left of 15m" and not hold.met
    with pytest.raises(DomainError, match="4m00s so far"):
        store.resolve(inc.id, checked="all")
    clock.advance(minutes=11)
    assert hold_view(inc, clock()).met  # type: ignore[union-attr]
    inc = store.resolve(inc.id, checked="all")
    assert "early" not in store.events(inc.id)[-1].payload


def test_resolving_early_records_the_reason(store: Store, clock):
    inc = store.declare("Checkout down", 1)
    store.set_status(inc.id, "monitoring")
    clock.advance(minutes=1)
    store.resolve(inc.id, checked="all", early_reason="customer confirmed, metrics flat")
    early = store.events(inc.id)[-1].payload["early"]
    assert early == {"reason": "customer confirmed, metrics flat", "hold_s": 900, "held_s": 60}
    line = store.timeline(inc.id)[-1].text
    assert "resolved 1m00s into a 15m00s monitoring hold — why early: customer" in line


def test_cli_resolve_asks_lists_open_tasks_and_final_updates(db_path, clock):
    cli = Cli(db_path, clock)
    cli.ok("declare", "x", "--sev", "1")
    with Store.open(db_path, clock=clock, author="carol") as store:
        task = {"text": "rotate the key", "owner": None, "due": None, "timer_s": None}
        store.log("1", "TODO: rotate the key", kind="action", task=task)
    cli.ok("update", "1", "investigating", "--audience", "exec")
    code, _, err = cli("status", "1", "resolved")
    assert code == 2 and "--checked all" in err
    assert all(item in err for item in SEEDS)
    code, _, err = cli("status", "1", "resolved", "--checked", "all")
    assert code == 2 and "--early-reason" in err
    cli.ok("status", "1", "monitoring")
    clock.advance(minutes=16)
    code, out, err = cli("status", "1", "resolved", "--checked", ",".join(SEEDS))
    assert code == 0 and out.strip() == "INC-1 is resolved"
    assert "1 task(s) still open" in err and "rotate the key" in err
    assert "a final update is owed to exec" in err and "--audience exec" in err


def test_policy_configures_checklist_and_hold_with_file_line_errors(tmp_path: Path) -> None:
    base = (Path(__file__).parents[2] / "irtui" / "data" / "policy.yaml").read_text()
    custom = base.replace("monitoring_hold: 15m", "monitoring_hold: 30m").split("resolution:")[0]
    custom += "resolution:\n  checklist:\n    rollback_verified: Rollback verified in prod\n"
    policy = parse_policy(custom, "team.yaml")
    assert policy.level(1).monitoring_hold_s == 1800
    assert [i.id for i in policy.checklist] == ["rollback_verified"]
    assert parse_policy(base.split("resolution:")[0], "old.yaml").checklist == DEFAULT_CHECKLIST
    for text, fragment in (
        (base.replace("monitoring_hold: 15m", "monitoring_hold: a while"), "monitoring_hold"),
        (base.replace("monitoring_hold: 15m", "monitoring_hold: 3d"), "at most 1d"),
        (base.replace("service_restored:", "Service Restored:"), "lower-case"),
        (base.replace("  checklist:", "  checklists:"), "unknown key 'checklists'"),
        (
            base.replace("impact_ended: User-facing impact has ended", "impact_ended: [1, 2]"),
            "one line of text",
        ),
    ):
        with pytest.raises(PolicyError) as info:
            parse_policy(text, "team.yaml")
        assert str(info.value).startswith("team.yaml:") and info.value.line, str(info.value)
        assert fragment in str(info.value)
    with pytest.raises(PolicyError, match="anchors and aliases"):
        parse_policy("a: &x 1\nb: *x\n", "bomb.yaml")
