"""CLI parity with the entry line: `irtui log` reads the same grammar, `irtui task` adds,
closes, reopens, re-assigns and lists the tasks the war room sees; TODOs get owners and due
times (in the grammar and later)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from irtui.domain.capture import parse_capture
from irtui.domain.timeutil import ManualClock, parse_iso
from irtui.store.repo import Store
from tests.cli_runner import Cli


@pytest.fixture
def cli(db_path: Path, clock) -> Cli:
    return Cli(db_path, clock)


def _entry(cli: Cli, event_id: str) -> dict:
    timeline = json.loads(cli.ok("show", "1", "--json"))["timeline"]
    return next(e for e in timeline if e["id"] == int(event_id))


def test_log_reads_the_entry_line_grammar(cli: Cli, clock: ManualClock) -> None:
    cli.ok("declare", "Checkout 502s", "--sev", "1", "--started", "-30m")
    task = _entry(cli, cli.ok("log", "1", "Erin: verify the flag, back in 5 min").strip())
    assert task["kind"] == "action"
    assert task["task"]["owner"] == "Erin" and task["task"]["text"] == "verify the flag"
    assert parse_iso(task["task"]["due"]) == clock() + timedelta(minutes=5)
    decision = _entry(cli, cli.ok("log", "1", "-5m * d: roll back #4821").strip())
    assert (decision["kind"], decision["starred"], decision["text"]) == (
        "decision",
        True,
        "roll back #4821",
    )
    assert parse_iso(decision["at"]) == clock() - timedelta(minutes=5)
    # the same line through the entry line's parser gives the same entry
    same = parse_capture("-5m * d: roll back #4821", clock())
    assert (str(same.kind), same.text, same.starred) == ("decision", "roll back #4821", True)
    plain = _entry(cli, cli.ok("log", "1", "Bob: 14:02 was the deploy", "--plain").strip())
    assert plain["task"] is None and plain["text"] == "Bob: 14:02 was the deploy"
    assert plain["kind"] == "note"
    kinded = _entry(cli, cli.ok("log", "1", "paged erin", "--kind", "escalation").strip())
    assert kinded["kind"] == "escalation"


def test_a_time_in_the_text_and_at_is_refused_writing_nothing(cli: Cli) -> None:
    cli.ok("declare", "x", "--sev", "2", "--started", "-1h")
    before = cli.ok("show", "1", "--json")
    code, _, err = cli("log", "1", "-5m rolled back", "--at", "-3m")
    assert code == 2 and "keep one" in err
    assert cli.ok("show", "1", "--json") == before


def test_todo_owner_and_due_in_the_grammar(clock: ManualClock) -> None:
    now = clock()
    owned = parse_capture("TODO bob: check replica lag in 10 min", now).task
    assert owned == {
        "text": "check replica lag",
        "owner": "bob",
        "due": owned["due"],
        "timer_s": 600,
    }
    assert parse_iso(owned["due"]) == now + timedelta(minutes=10)
    mention = parse_capture("TODO: page payments on-call @erin", now).task
    assert (mention["owner"], mention["text"], mention["due"]) == (
        "erin",
        "page payments on-call",
        None,
    )
    by = parse_capture("TODO @carol: draft the customer note, by 23:30", now).task
    assert by["owner"] == "carol" and by["text"] == "draft the customer note"
    assert parse_iso(by["due"]) > now
    # "in 2 regions" is not a time; a TODO that ends "back in 5 min" is not owned by "TODO"
    assert parse_capture("TODO: check logs in 2 regions", now).task["due"] is None
    back = parse_capture("TODO: roll back, back in 5 min", now).task
    assert back["owner"] is None and back["timer_s"] == 300


def test_task_add_done_reopen_set_list(cli: Cli, clock: ManualClock, db_path: Path) -> None:
    cli.ok("declare", "Checkout 502s", "--sev", "1")
    bob = cli.ok("task", "add", "1", "check replica lag", "--owner", "bob", "--due", "3m").strip()
    note = cli.ok("task", "add", "1", "write the customer note").strip()
    listed = cli.ok("task", "list", "1")
    assert listed.index("check replica lag") < listed.index("write the customer note")
    assert "bob" in listed and "nobody" in listed and "no due time" in listed
    assert "done" in cli.ok("task", "done", "1", bob)
    code, _, err = cli("task", "done", "1", bob)
    assert code == 2 and "already done" in err
    assert "reopened" in cli.ok("task", "reopen", "1", f"#{bob}")
    code, _, err = cli("task", "reopen", "1", bob)
    assert code == 2 and "only a done task" in err
    cli.ok("task", "set", "1", note, "--owner", "carol", "--due", "30m")
    data = {t["id"]: t for t in json.loads(cli.ok("task", "list", "1", "--json"))}
    assert data[int(note)]["owner"] == "carol"
    assert parse_iso(data[int(note)]["due"]) == clock() + timedelta(minutes=30)
    cli.ok("task", "set", "1", note, "--no-owner", "--no-due")
    data = {t["id"]: t for t in json.loads(cli.ok("task", "list", "1", "--json"))}
    assert data[int(note)]["owner"] is None and data[int(note)]["due"] is None
    cli.ok("task", "done", "1", note)
    assert "write the customer note" not in cli.ok("task", "list", "1")
    assert "write the customer note" in cli.ok("task", "list", "1", "--all")
    # every change is an event on the timeline, and the projection replays
    shown = cli.ok("show", "1")
    assert "Task done: check replica lag" in shown and "Task reopened" in shown
    with Store.open(db_path) as store:
        assert store.verify_projection("INC-1")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["task", "done", "1", "999"], "no task 999"),
        (["task", "done", "1", "abc"], "not a task id"),
        (["task", "set", "1", "2"], "nothing to change"),
        (["task", "add", "1", "x", "--due", "-5m"], "in the past"),
        (["task", "add", "1", "x", "--due", "soon"], "cannot read time"),
        (["task", "add", "9", "x"], "INC-9"),
        (["task", "add", "1", "   "], "needs text"),
    ],
)
def test_bad_task_input_exits_2_and_writes_nothing(cli: Cli, argv: list[str], message: str):
    cli.ok("declare", "x", "--sev", "2")
    before = cli.ok("show", "1", "--json")
    code, _out, err = cli(*argv)
    assert code == 2 and message in err and "Traceback" not in err
    assert cli.ok("show", "1", "--json") == before


def test_hostile_task_text_is_kept_literally_and_printed_inert(cli: Cli) -> None:
    cli.ok("declare", "x", "--sev", "2")
    hostile = "[/] x [/ y [red] \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x00 end"
    entry = cli.ok("task", "add", "1", hostile, "--owner", "[bold]bob").strip()
    listed = cli.ok("task", "list", "1")
    assert "\x1b" not in listed and "\x00" not in listed
    assert "[/] x [/ y [red]" in listed and "[bold]bob" in listed
    data = json.loads(cli.ok("task", "list", "1", "--json"))
    assert data[0]["id"] == int(entry) and "\x1b" not in data[0]["text"]
    code, _, err = cli("task", "add", "1", "y" * 100_000)
    assert code == 2 and "Traceback" not in err
