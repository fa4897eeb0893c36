"""The severity policy: bundled defaults match the industry matrix; bad files name file:line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from irtui.cli.context import CliContext
from irtui.cli.main import main
from irtui.domain.policy import PolicyError, load_policy, parse_policy


def test_bundled_policy_is_the_industry_matrix() -> None:
    policy = load_policy(None)
    sev1, sev2, sev3, sev4 = (policy.level(n) for n in (1, 2, 3, 4))
    assert sev1.ack_within_s == 15 * 60
    assert set(sev1.cadence_s.values()) == {30 * 60}
    assert set(sev1.cadence_s) == {"internal", "statuspage", "exec"}
    assert set(sev1.required_roles) == {"commander", "tech_lead", "comms_lead", "scribe"}
    assert sev2.ack_within_s == 3600 and sev2.cadence_s["internal"] == 2 * 3600
    assert sev2.required_roles == ("commander",)
    assert sev3.ack_within_s == 4 * 3600 and sev3.cadence_s == {"internal": 86400}
    assert sev4.backlog and sev4.ack_within_s is None and sev4.cadence_s == {}
    assert policy.classify("wide", "high") == 1
    assert policy.classify("limited", "low") == 4
    assert policy.classify("medium", "medium") == 2


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("levels:\n  SEV1:\n    name: X\n    ack_within: soon\n", 4, "ack_within"),
        ("levels:\n  SEV1:\n    name: X\n    updates:\n      pigeons: 5m\n", 5, "pigeons"),
        ("levels: [1, 2\n", 1, ""),
        ("levels:\n  SEV1:\n    name: X\n    required_roles: 7\n", 4, "required_roles"),
        ("- just\n- a list\n", 1, "mapping"),
    ],
)
def test_malformed_policy_names_line_and_problem(text: str, line: int, fragment: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "team.yaml")
    message = str(info.value)
    assert message.startswith("team.yaml:"), message
    assert info.value.line is not None and abs(info.value.line - line) <= 1, message
    assert fragment in message


def test_cli_with_malformed_policy_exits_2_without_traceback(tmp_path: Path, clock) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text("levels:\n  SEV1:\n    name: Critical\n    ack_within: 15 parsecs\n")
    err = io.StringIO()
    ctx = CliContext(None, clock=clock, out=io.StringIO(), err=err)  # type: ignore[arg-type]
    code = main(
        ["--db", str(tmp_path / "s.db"), "--policy", str(bad), "declare", "x", "--sev", "1"],
        ctx=ctx,
    )
    assert code == 2
    assert f"{bad}:4" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_policy_numbers_are_copied_into_events(store, tmp_path: Path) -> None:
    """Clocks never depend on the policy file after the fact: reopening with another policy
    shows the same deadlines."""
    inc = store.declare("x", 1)
    other = parse_policy(
        Path(load_policy(None).source).read_text().replace("ack_within: 15m", "ack_within: 2h"),
        "other.yaml",
    )
    from irtui.store.repo import Store

    again = Store.open(store.location, policy=other, clock=store.clock)
    try:
        assert again.get(inc.id).ack_due == inc.ack_due
    finally:
        again.close()
