"""The `irtui` command-line contract: commands, JSON shape, exit codes, no tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from irtui.cli.context import CliContext
from irtui.cli.main import main
from tests.cli_runner import Cli


@pytest.fixture
def cli(db_path: Path, clock) -> Cli:
    return Cli(db_path, clock)


def test_full_incident_through_the_cli(cli: Cli, clock) -> None:
    assert (
        cli.ok(
            "declare",
            "Checkout 500s",
            "--sev",
            "1",
            "--service",
            "checkout",
            "--service",
            "payments",
            "--impact",
            "EU customers",
            "--ic",
            "alice",
        ).strip()
        == "INC-1"
    )
    clock.advance(minutes=2)
    cli.ok("ack", "INC-1")
    cli.ok("role", "1", "tech", "bob")
    assert "offered to carol" in cli.ok("role", "1", "ic", "carol", as_="alice")  # held
    cli.ok("accept", "1", "ic", as_="carol")
    assert "Confirmed, carol is now IC" in cli.ok("confirm", "1", "ic", as_="alice")
    entry = int(cli.ok("log", "inc-1", "rolled back v42", "--kind", "action", "--star"))
    cli.ok("log", "1", "alert fired", "--kind", "detection", "--at", "-1m")
    cli.ok("amend", "1", str(entry), "rolled back v42 to v41")
    cli.ok("update", "1", "We are investigating", "--audience", "statuspage", "--posted-by-hand")
    cli.ok("sev", "1", "2", "--reason", "contained to EU")
    cli.ok("status", "1", "mitigating")
    cli.ok("mitigated", "1")
    cli.ok("status", "1", "monitoring")
    clock.advance(minutes=30)
    cli.ok("status", "1", "resolved", "--checked", "all")
    data = json.loads(cli.ok("show", "INC-1", "--json"))
    assert data["id"] == "INC-1" and data["severity"] == 2 and data["status"] == "resolved"
    assert data["kind"] == "real" and data["services"] == ["checkout", "payments"]
    assert data["roles"]["commander"]["name"] == "carol"
    assert data["roles"]["tech_lead"]["name"] == "bob"
    assert set(data["milestones"]) == {
        "started",
        "detected",
        "acknowledged",
        "mitigated",
        "resolved",
        "closed",
    }
    assert data["milestones"]["resolved"] is not None
    assert set(data["clocks"]) == {"ack", "updates", "overdue"}
    entries = {e["id"]: e for e in data["timeline"]}
    assert entries[entry]["text"] == "rolled back v42 to v41"
    assert entries[entry]["amended"] and entries[entry]["starred"]
    assert entries[entry]["author"] == "scribe"
    for e in data["timeline"]:
        assert {
            "id",
            "at",
            "recorded_at",
            "kind",
            "author",
            "text",
            "starred",
            "amended",
            "retracted",
        } <= set(e)
    detection = next(e for e in data["timeline"] if e["text"] == "alert fired")
    assert detection["at"] < detection["recorded_at"]


def test_show_json_has_clocks_with_overdue_flags(cli: Cli, clock) -> None:
    cli.ok("declare", "x", "--sev", "1")
    clock.advance(minutes=16)
    data = json.loads(cli.ok("show", "1", "--json"))
    assert data["clocks"]["ack"]["overdue"] is True
    assert data["clocks"]["ack"]["remaining_s"] == -60
    assert data["clocks"]["updates"]["internal"]["overdue"] is False
    assert data["clocks"]["overdue"] is True


def test_list_text_and_json(cli: Cli) -> None:
    assert "No open incidents" in cli.ok("list")
    cli.ok("declare", "slow search", "--sev", "3")
    cli.ok("declare", "game day", "--sev", "2", "--drill")
    cli.ok("declare", "db down", "--sev", "1")
    out = cli.ok("list")
    assert out.index("INC-3") < out.index("INC-2") < out.index("INC-1")
    assert "[drill]" in out
    rows = json.loads(cli.ok("list", "--json"))
    assert [r["id"] for r in rows] == ["INC-3", "INC-2", "INC-1"]
    cli.ok("status", "3", "resolved", "--checked", "all", "--early-reason", "a test")
    assert len(json.loads(cli.ok("list", "--json"))) == 2
    assert len(json.loads(cli.ok("list", "--all", "--json"))) == 3


@pytest.mark.parametrize(
    "argv",
    [
        ["declare", "x", "--sev", "9"],
        ["declare", "  ", "--sev", "1"],
        ["declare", "x"],
        ["ack", "INC-42"],
        ["log", "nonsense-id", "x"],
        ["log", "1", "x", "--kind", "gossip"],
        ["log", "1", "x", "--at", "yesterday-ish"],
        ["status", "1", "closed"],
        ["sev", "1", "SEVEN"],
        ["update", "1", "x", "--audience", "pigeons"],
        ["retract", "1", "1"],
        ["report", "--since", "last tuesday"],
    ],
)
def test_bad_input_exits_2_with_a_message(cli: Cli, argv: list[str]) -> None:
    cli.ok("declare", "base", "--sev", "2")
    code, _out, err = cli(*argv)
    assert code == 2, (argv, err)
    assert err.strip() and "Traceback" not in err


def test_not_a_store_exits_2(tmp_path: Path, clock) -> None:
    path = tmp_path / "thesis.tex"
    path.write_text("\\documentclass{article}")
    code, _, err = Cli(path, clock)("list")
    assert code == 2 and "not an irtui store" in err
    assert path.read_text() == "\\documentclass{article}"


def test_author_defaults_to_env_then_as(cli: Cli, db_path: Path, clock, monkeypatch) -> None:
    cli.ok("declare", "x", "--sev", "2")
    monkeypatch.setenv("IRTUI_USER", "dana")
    out, err = io.StringIO(), io.StringIO()
    assert (
        main(
            ["--db", str(db_path), "log", "1", "from env"],
            ctx=CliContext(None, clock=clock, out=out, err=err),
        )
        == 0
    )  # type: ignore[arg-type]
    cli.ok("log", "1", "explicit", as_="erin")
    timeline = json.loads(cli.ok("show", "1", "--json"))["timeline"]
    authors = {e["text"]: e["author"] for e in timeline}
    assert authors["from env"] == "dana" and authors["explicit"] == "erin"


def test_user_text_is_printed_literally(cli: Cli) -> None:
    nasty = "[bold]boom[/] [link=x]y \x1b[31mred\x1b[0m ✨ שלום"
    cli.ok("declare", nasty, "--sev", "2")
    cli.ok("log", "1", nasty)
    out = cli.ok("show", "1")
    assert "[bold]boom[/] [link=x]y" in out and "\x1b" not in out
    # stored without the escape sequences (the boundary removes them, and says so)
    assert json.loads(cli.ok("show", "1", "--json"))["title"] == nasty.replace(
        "\x1b[31m", ""
    ).replace("\x1b[0m", "")


def test_export_md_and_json(cli: Cli) -> None:
    cli.ok("declare", "pipes | in | title", "--sev", "2")
    cli.ok("log", "1", "a | b")
    md = cli.ok("export", "1")
    assert md.startswith("# INC-1: pipes \\| in \\| title")
    assert "a \\| b" in md
    data = json.loads(cli.ok("export", "1", "--format", "json"))
    assert [e["kind"] for e in data["events"]] == ["declared", "entry"]


def test_version_and_subprocess_exit_codes(db_path: Path) -> None:
    exe = [sys.executable, "-m", "irtui.cli.main"]
    version = subprocess.run([*exe, "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("irtui ")
    bad = subprocess.run(
        [*exe, "--db", str(db_path), "ack", "INC-7"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "no incident INC-7" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_near_miss_role_is_refused_with_a_suggestion_and_writes_nothing(cli: Cli) -> None:
    cli.ok("declare", "Checkout 500s", "--sev", "2")
    before = json.loads(cli.ok("show", "1", "--json"))
    for typed, suggestion in (("comander", "ic"), ("techlead", "tech"), ("Scrib", "scribe")):
        code, out, err = cli("role", "1", typed, "bob")
        assert code == 2 and out == "", err
        assert f"did you mean `{suggestion}`?" in err and "--custom" in err
        assert "Traceback" not in err
    code, _, err = cli("handoff", "1", "comander", "bob")
    assert code == 2 and "did you mean `ic`?" in err
    assert json.loads(cli.ok("show", "1", "--json")) == before  # nothing was written
    assert "Communications Lead is dana" in cli.ok("role", "1", "comms-lead", "dana")
    assert "Customer Liaison is erin" in cli.ok("role", "1", "customer liaison", "erin")


def test_custom_makes_a_near_miss_a_custom_role_on_purpose(cli: Cli) -> None:
    cli.ok("declare", "Checkout 500s", "--sev", "2")
    assert "Comander is bob" in cli.ok("role", "1", "comander", "bob", "--custom")
    cli.ok("handoff", "1", "comander", "carol", "--custom", as_="bob")  # the holder offers
    cli.ok("accept", "1", "comander", "--custom", as_="carol")
    assert "Confirmed, carol is now Comander" in cli.ok(
        "confirm", "1", "comander", "--custom", as_="bob"
    )
    roles = json.loads(cli.ok("show", "1", "--json"))["roles"]
    assert set(roles) == {"comander"} and roles["comander"]["name"] == "carol"
    # --custom never turns a standard alias into a custom role
    assert "Incident Commander is dana" in cli.ok("role", "1", "IC", "dana", "--custom")


def test_role_names_are_text_cleaned_said_and_bounded(cli: Cli) -> None:
    cli.ok("declare", "Checkout 500s", "--sev", "2")
    code, out, err = cli("role", "1", "\x1b[31mvendor\x07", "bob")
    assert code == 0 and out.strip() == "INC-1: Vendor is bob"
    assert "irtui: note: role:" in err and "removed" in err
    code, _, err = cli("role", "1", "\x1b]0;pwn\x07comander", "bob")  # still a near-miss
    assert code == 2 and "did you mean `ic`?" in err and "\x1b" not in err
    assert "X [/ Y is erin" in cli.ok("role", "1", "x [/ y", "erin")  # shown literally
    assert "[Red]Liaison[/] is dana" in cli.ok("role", "1", "[red]liaison[/]", "dana")
    code, _, err = cli("role", "1", "r" * 100_000, "bob")
    assert code == 2 and "limit is 120" in err and "nothing was saved" in err
    roles = json.loads(cli.ok("show", "1", "--json"))["roles"]
    assert set(roles) == {"vendor", "x_[/_y", "[red]liaison[/]"}
