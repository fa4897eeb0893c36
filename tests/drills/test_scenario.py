"""Scenario files: the shipped library is valid, and every bad file gets a clear file:line
message (malformed YAML, unknown trigger, offsets out of order, unknown runbook, ...)."""

from __future__ import annotations

from pathlib import Path

import pytest

from irtui.boundary.errors import YamlError
from irtui.drills.library import catalogue, find, known_runbooks, shipped_files
from irtui.drills.scenario import ScenarioError, load_scenario, parse_scenario, scenario_from_text
from tests.cli_runner import Cli
from tests.drills.conftest import SMALL, write

BASE = """\
title: T
injects:
  - {id: a, at: +0m, kind: alert, text: x}
"""


def problems(text: str, known: set[str] | None = None) -> str:
    with pytest.raises((ScenarioError, YamlError)) as info:
        scenario_from_text(text, "s.yaml", known_runbooks=known)
    return str(info.value)


def test_the_shipped_library_is_valid_and_covers_four_parts_of_the_process() -> None:
    known = known_runbooks()
    items = catalogue(known=known)
    assert len(items) >= 4
    scenarios = {path.stem: s for path, s in items}
    assert all(not isinstance(s, ScenarioError) for s in scenarios.values()), scenarios
    assert {
        "db-connection-exhaustion",
        "bad-deploy-error-spike",
        "third-party-api-outage",
        "certificate-expiry",
    } <= set(scenarios)
    tests = {t for s in scenarios.values() for t in s.tests}  # type: ignore[union-attr]
    assert {"cadence", "handoff", "escalation", "comms"} <= tests
    for s in scenarios.values():
        assert s.runbooks and set(s.runbooks) <= known  # type: ignore[union-attr]
        kinds = {i.kind for i in s.injects}  # type: ignore[union-attr]
        assert "clue" in kinds and len(kinds) >= 4
        assert s.answer_key.expect  # type: ignore[union-attr]
    assert all(p.parent.name == "scenarios" for p in shipped_files())


def test_round_trip_through_the_stored_form(small) -> None:
    again = parse_scenario(small.to_dict(), "<stored>")
    assert again.to_dict() == small.to_dict()
    assert [i.when_text() for i in again.injects] == [
        "+0m",
        "+4m",
        "after ack +1m",
        "after inject b",
        "if no update by +10m",
        "after status identified",
        "+12m",
        "when asked",
    ]


def test_malformed_yaml_names_file_and_line() -> None:
    msg = problems("title: T\ninjects:\n  - {id: a, at: +0m\n")
    assert msg.startswith("s.yaml:") and "invalid YAML" in msg


def test_unknown_trigger_is_named_with_the_vocabulary() -> None:
    msg = problems(BASE + "  - {id: b, after: acknowledgement, kind: alert, text: y}\n")
    assert "s.yaml:4:" in msg
    assert "unknown trigger `after: acknowledgement`" in msg and "status STATUS" in msg
    msg = problems(BASE + "  - {id: b, if: whenever, kind: alert, text: y}\n")
    assert "s.yaml:4:" in msg and "write `if: no FACT by +20m`" in msg
    msg = problems(BASE + "  - {id: b, if: no pizza by +5m, kind: alert, text: y}\n")
    assert "unknown fact 'pizza'" in msg


def test_offsets_out_of_order_are_refused() -> None:
    text = (
        BASE
        + "  - {id: b, at: +6m, kind: alert, text: y}\n  - {id: c, at: +4m, kind: alert, text: z}\n"
    )
    msg = problems(text)
    assert "s.yaml:5: inject 'c' at +4m comes after 'b' at +6m" in msg


def test_unknown_runbook_is_refused_with_a_suggestion() -> None:
    text = BASE.replace("title: T", "title: T\nrunbooks: [database-conection-exhaustion]")
    msg = problems(text, known_runbooks())
    assert "unknown runbook 'database-conection-exhaustion'" in msg and "did you mean" in msg
    msg = problems(
        BASE + "  - {id: b, after: runbook nope, kind: alert, text: y}\n", known_runbooks()
    )
    assert "s.yaml:4: unknown runbook 'nope'" in msg


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("  - {id: b, at: 4m, kind: alert, text: y}\n", "'4m' is not an offset"),
        ("  - {id: b, at: +1m, kind: pager, text: y}\n", "unknown kind 'pager'"),
        ("  - {id: a, at: +1m, kind: alert, text: y}\n", "inject id 'a' is used twice"),
        ("  - {id: b, at: +1m, kind: clue, text: y}\n", "is a clue"),
        ("  - {id: b, kind: alert, text: y}\n", "needs exactly one of"),
        ("  - {id: b, at: +1m, after: ack, kind: alert, text: y}\n", "needs exactly one of"),
        ("  - {id: b, at: +1m, kind: alert}\n", "inject 'b' text is missing"),
        ("  - {id: b, at: +1m, kind: alert, text: y, colour: red}\n", "unknown key 'colour'"),
        ("  - {id: b, after: inject zz, kind: alert, text: y}\n", "unknown inject 'zz'"),
        ("  - {id: B!, at: +1m, kind: alert, text: y}\n", "inject id 'B!'"),
        ("  - {id: b, at: +1m, delay: +1m, kind: alert, text: y}\n", "`delay:` goes with"),
    ],
)
def test_each_mistake_gets_its_own_message(extra: str, expected: str) -> None:
    assert expected in problems(BASE + extra)


def test_every_problem_is_reported_at_once() -> None:
    text = "title: T\nseverity: 12\ninjects:\n  - {id: a, at: soon, kind: x, text: y}\n"
    msg = problems(text)
    assert msg.count("s.yaml:") == 3, msg


def test_aliases_and_huge_files_are_refused_by_the_one_yaml_reader(tmp_path: Path) -> None:
    msg = problems("title: &t T\nbriefing: *t\ninjects: []\n")
    assert "anchors and aliases" in msg
    big = write(tmp_path, "title: T\nbriefing: " + "x" * 1_100_000 + "\n")
    with pytest.raises(YamlError, match="limit"):
        load_scenario(big)


def test_hostile_text_is_cleaned_with_a_notice_never_interpreted() -> None:
    text = BASE.replace("text: x", 'text: "\\e[2J[red]boom[/] \\e]52;c;AAAA\\a"')
    s = scenario_from_text(text, "s.yaml")
    assert "\x1b" not in s.injects[0].text and "[red]boom[/]" in s.injects[0].text
    assert any("terminal control sequence" in n for n in s.notices)


def test_find_by_id_or_path(tmp_path: Path) -> None:
    assert find("certificate-expiry").id == "certificate-expiry"
    path = write(tmp_path, SMALL, "mine.yaml")
    assert find(str(path)).id == "small"
    with pytest.raises(ScenarioError, match="no scenario 'nope'"):
        find("nope")


def test_validate_cli_exit_codes(tmp_path: Path, db_path: Path, clock) -> None:
    cli = Cli(db_path, clock)
    good = write(tmp_path, SMALL, "good.yaml")
    bad = write(
        tmp_path, BASE + "  - {id: b, after: acknowledgement, kind: alert, text: y}\n", "bad.yaml"
    )
    code, out, err = cli("drill", "validate", str(good))
    assert code == 0 and "ok" in out and "8 injects (3 timed, 4 on triggers, 1 clues)" in out
    code, out, err = cli("drill", "validate", str(good), str(bad))
    assert code == 2
    assert f"{bad}:4: inject 'b': unknown trigger" in err and "Traceback" not in err
    assert "1 of 2 scenario file(s) refused" in err
    code, _, err = cli("drill", "validate", str(tmp_path / "missing.yaml"))
    assert code == 2 and "cannot read" in err
    for path in shipped_files():
        assert cli("drill", "validate", str(path))[0] == 0


def test_answer_key_keywords_match_words_not_spellings() -> None:
    from irtui.drills.scenario import KeyItem

    item = KeyItem("Roll back the release", ("roll back", "revert"))
    assert item.matches("We rolled back to v41")
    assert item.matches("Reverted the deploy")
    assert not item.matches("roll forward instead")
    assert not item.matches("back to rolling")  # the words, in order
    assert KeyItem("odd", ("[/",)).matches("x [/ y")  # no words in it: as written
    assert KeyItem("Terminate idle sessions").matches("Terminated idle sessions at 14:02")
