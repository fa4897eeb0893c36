"""`irtui drill` from the command line: every sub-command, exit codes, text kept literal."""

from __future__ import annotations

import json
from pathlib import Path

from irtui.cli.main import COMMANDS
from irtui.drills import runner
from tests.cli_runner import Cli
from tests.drills.conftest import SMALL, fired, write


def test_drill_is_registered_in_the_commands_table() -> None:
    assert COMMANDS["drill"] == "irtui.cli.drill_cmd"


def test_list_run_and_the_facilitator_commands(db_path: Path, clock, tmp_path: Path) -> None:
    cli = Cli(db_path, clock, as_="facilitator")
    out = cli.ok("drill", "list")
    for name in (
        "db-connection-exhaustion",
        "bad-deploy-error-spike",
        "third-party-api-outage",
        "certificate-expiry",
    ):
        assert name in out
    assert "No drills in the store yet." in out
    iid = cli.ok("drill", "run", "certificate-expiry", "--detach", "--speed", "60").strip()
    assert iid == "INC-1"
    code, _, err = cli("drill", "run", "certificate-expiry", "--detach", "--speed", "0")
    assert code == 2 and "speed must be between" in err
    code, _, err = cli("drill", "run", "nope")
    assert code == 2 and "no scenario 'nope'" in err
    clock.advance(seconds=3)
    assert "paused" in cli.ok("drill", "pause", iid)
    code, _, err = cli("drill", "pause", iid)
    assert code == 2 and "already paused" in err
    assert "running, speed ×60" in cli.ok("drill", "resume", iid)
    assert "speed ×2" in cli.ok("drill", "speed", iid, "2")
    assert "played cert-details" in cli.ok("drill", "fire", iid, "cert-details")
    assert "skipped mobile" in cli.ok("drill", "skip", iid, "mobile")
    code, _, err = cli("drill", "fire", iid, "mobile")
    assert code == 2 and "was skipped" in err
    assert "improvised" in cli.ok("drill", "improvise", iid, "The CDN calls", "--kind", "news")
    code, _, err = cli("drill", "improvise", iid, "x", "--kind", "pager")
    assert code == 2 and "--kind must be one of" in err
    data = json.loads(cli.ok("drill", "list", "--json"))
    assert [d["id"] for d in data["drills"]] == [iid]
    assert data["drills"][0]["injects"]["skipped"] == 1
    assert data["drills"][0]["speed"] == 2.0
    assert len(data["scenarios"]) >= 4
    assert "ended" in cli.ok("drill", "end", iid)
    code, _, err = cli("drill", "facilitate", iid)
    assert code == 2 and "is over (resolved)" in err
    real = cli.ok("declare", "Real", "--sev", "2").strip()
    code, _, err = cli("drill", "facilitate", real)
    assert code == 2 and "not a drill" in err
    bare = cli.ok("declare", "Game day", "--sev", "2", "--drill").strip()
    code, _, err = cli("drill", "facilitate", bare)
    assert code == 2 and "without a script" in err
    path = write(tmp_path, SMALL)
    mine = cli.ok("drill", "run", str(path), "--detach").strip()
    assert mine == "INC-4"


def test_hostile_text_through_every_printer(db_path: Path, clock, tmp_path: Path, store) -> None:
    text = SMALL.replace("title: Small drill", 'title: "[/] [/foo] x [/ y [red] \\e[2J"')
    path = write(tmp_path, text)
    cli = Cli(db_path, clock)
    iid = cli.ok("drill", "run", str(path), "--detach").strip()
    runner.tick(store, iid)
    for argv in (
        ("drill", "list"),
        ("drill", "report", iid),
        ("drill", "report", iid, "--format", "json"),
    ):
        code, out, err = cli(*argv)
        assert code == 0, err
        assert "\x1b" not in out and "[/foo] x [/ y [red]" in out
    code, out, err = cli("drill", "improvise", iid, "[red]boom[/] \x1b]52;c;AAAA\x07 \x00nul")
    assert code == 0 and "\x1b" not in out and "[red]boom[/]" in out
    assert "removed" in err  # the boundary says what it took out
    code, _, err = cli("drill", "improvise", iid, "L" * 100_000)
    assert code == 2 and "limit is 20,000" in err and "Traceback" not in err
    assert len([e for e in store.events(iid) if e.kind == "drill_improvised"]) == 1
    assert sorted(fired(store, iid)) == ["a"]


def test_a_running_drill_exports_without_its_script(db_path: Path, clock) -> None:
    """A player's export of a running drill does not give away the injects to come or the
    answer key; the facilitator asks for them, and they are there once the drill is over."""
    cli = Cli(db_path, clock, as_="facilitator")
    iid = cli.ok("drill", "run", "certificate-expiry", "--detach").strip()

    def scenario(*extra: str) -> dict:
        events = json.loads(cli.ok("export", iid, "--format", "json", *extra))["events"]
        return next(e for e in events if e["kind"] == "drill_started")["payload"]["scenario"]

    hidden = scenario()
    assert "answer_key" not in hidden and "injects" not in hidden
    assert hidden["id"] == "certificate-expiry" and "--with-script" in hidden["script"]
    assert "answer_key" in scenario("--with-script")
    cli.ok("drill", "end", iid)
    assert "answer_key" in scenario() and scenario()["injects"]


def test_at_is_read_on_the_drills_own_clock(db_path: Path, clock) -> None:
    """`--at -5m` in a drill at ×60 is five minutes ago in the drill's time, as the TUI reads it,
    not five real minutes ago (which would be hours ago on the drill's timeline)."""
    from irtui.domain.clocks import incident_now
    from irtui.store.repo import Store

    cli = Cli(db_path, clock, as_="facilitator")
    iid = cli.ok("drill", "run", "certificate-expiry", "--detach", "--speed", "60").strip()
    clock.advance(minutes=2)  # two real minutes: two hours of drill
    cli.ok("log", iid, "backdated a little", "--at", "-5m", "--plain")
    store = Store.open(db_path, clock=clock)
    try:
        drill_now = incident_now(store.get(iid), clock())
        entry = next(e for e in store.events(iid) if e.payload.get("text") == "backdated a little")
    finally:
        store.close()
    assert abs((drill_now - entry.at).total_seconds() - 300) < 61
