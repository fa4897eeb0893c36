"""`irtui catalog`, `oncall`, `page`, `escalate`, `page-ack`, `page-resolve`, `pages` as a user
runs them: real store file, the worked catalog, PagerDuty on 127.0.0.1, bad input exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from irtui.domain.timeutil import ManualClock, clock_env
from irtui.store.outbox_repo import OutboxRepo
from irtui.store.repo import Store
from irtui.sync.pagerduty_keys import env_name
from tests.cli_runner import Cli
from tests.oncall.conftest import CATALOG, FIXTURES, utc
from tests.sync.fake_pagerduty import FakePagerDuty, serve

KEY = "R0UT1NGK3Y0000000000000000000001"


@pytest.fixture
def cli(db_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("IRTUI_CATALOG", str(CATALOG))
    for var in ("IRTUI_PAGERDUTY_ROUTING_KEY", env_name("payments"), "IRTUI_PAGERDUTY_URL"):
        monkeypatch.delenv(var, raising=False)
    clock.set(utc(2026, 4, 1, 10, 30))  # bob covers erin's primary shift (override)
    return Cli(db_path, clock, as_="ic")


def written(db_path: Path) -> tuple[int, int]:
    with Store.open(db_path) as s:
        events = int(s.db.scalar("SELECT COUNT(*) FROM events"))
        return events, len(OutboxRepo(s.db).messages())


@pytest.mark.parametrize(
    "at, primary, secondary",
    [
        ("2026-03-30T06:59:59Z", "bob", "bob"),  # the second before the hand-over
        ("2026-03-30T07:00:00Z", "erin", "erin"),  # the hand-over second: incoming
        ("2026-03-30T09:00:00+02:00", "erin", "erin"),
        ("2026-03-23T07:59:59Z", "erin", "carol"),  # before the DST change: 08:00Z
        ("2026-03-23T08:00:00Z", "bob", "bob"),
    ],
)
def test_oncall_at_the_second_before_and_after_a_hand_over(
    cli: Cli, at: str, primary: str, secondary: str
) -> None:
    data = json.loads(cli.ok("oncall", "payments-db", "--at", at, "--json"))
    roles = {r["role"]: r for r in data["oncall"]}
    assert roles["primary"]["people"][0]["key"] == primary
    assert roles["secondary"]["people"][0]["key"] == secondary
    assert data["owner"] == "payments" and data["escalation_policy"] == "payments"


def test_oncall_text_names_owner_shift_end_and_the_chain(cli: Cli) -> None:
    out = cli.ok("oncall", "payments-db")
    assert "payments-db  (owner Payments, tier 1)" in out
    assert "primary    Bob Stone  until" in out and "[override: Erin at the dentist]" in out
    assert "then Erin Ortiz" in out
    assert "1. Bob Stone — primary on-call of payments  [answer within 5m]" in out
    assert "2. Erin Ortiz — secondary on-call of payments  [answer within 10m]" in out
    assert "3. Dana Lee — named in the policy  [answer within 15m]" in out
    everyone = cli.ok("oncall")
    assert "Payments" in everyone and "Platform" in everyone and "Database engineering" in everyone


def test_oncall_unknown_and_no_catalog_exit_2(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = cli("oncall", "nope")
    assert code == 2 and "no service or team 'nope'" in err
    monkeypatch.delenv("IRTUI_CATALOG")
    code, _, err = cli("oncall")
    assert code == 2 and "no catalog" in err and "Traceback" not in err


def test_page_a_service_through_its_policy_and_deliver(
    cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    iid = cli.ok("declare", "Payments DB down", "--sev", "1", "--service", "payments-db").strip()
    fake = FakePagerDuty({KEY})
    monkeypatch.setenv(env_name("payments"), KEY)
    with serve(fake) as url:
        monkeypatch.setenv("IRTUI_PAGERDUTY_URL", url)
        code, out, err = cli("page", iid, "payments-db", "--reason", "replica lag 40s")
        assert code == 0, err
        assert "paged Bob Stone — primary on-call of payments, level 1 of 3" in out
        assert "answer within 5m" in out and "delivered to PagerDuty" in out
        assert "irtui escalate INC-1  (-> Erin Ortiz)" in out
        code, out, err = cli("page", iid, "payments-db")
        assert code == 2 and "has not answered yet" in err and "irtui escalate INC-1" in err
        cli.clock.advance(minutes=6)
        out = cli.ok("escalate", iid)
        assert "paged Erin Ortiz — secondary on-call of payments, level 2 of 3" in out
        out = cli.ok("page-ack", iid, as_="erin")
        assert "page #2 (Erin Ortiz) acknowledged by erin" in out
        data = json.loads(cli.ok("pages", iid, "--json"))
        assert [p["state"] for p in data["pages"]] == ["escalated", "acknowledged"]
        assert {p["delivery_state"]["state"] for p in data["pages"]} == {"sent"}
        code, _, err = cli("status", iid, "resolved", "--checked", "all", "--early-reason", "t")
        assert code == 0 and f"irtui page-resolve {iid}" in err
        out = cli.ok("page-resolve", iid)
        assert "resolved page(s) #1, #2" in out
    assert [a for _, a in fake.accepted] == [
        "trigger",
        "trigger",
        "acknowledge",
        "resolve",
        "resolve",
    ]
    assert all(n == 1 for n in fake.incidents_opened.values())
    text = cli.ok("show", iid) + cli.ok("export", iid, "--format", "json")
    assert KEY not in text
    for path in db_path.parent.glob(db_path.name + "*"):
        assert KEY.encode() not in path.read_bytes()


def test_page_when_pagerduty_is_down_stays_queued_and_says_so(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    iid = cli.ok("declare", "Payments DB down", "--sev", "1").strip()
    monkeypatch.setenv(env_name("payments"), KEY)
    monkeypatch.setenv("IRTUI_PAGERDUTY_URL", "http://127.0.0.1:9/v2")  # discard port: down
    code, out, err = cli("page", iid, "payments-db")
    assert code == 0, err
    assert "NOT DELIVERED YET: retrying" in out and "cannot connect" in out
    code, out, _ = cli("pages", iid)
    assert "!! PagerDuty delivery RETRYING" in out
    code, out, _ = cli("sync", "--status")
    assert "page #1 trigger: retrying" in out and KEY not in out


def test_a_person_by_name_without_pagerduty_is_recorded_and_the_clock_runs(cli: Cli) -> None:
    iid = cli.ok("declare", "Checkout slow", "--sev", "2").strip()
    out = cli.ok("page", iid, "Dana Lee", "--timeout", "10m")
    assert "paged Dana Lee — named directly (page #1); answer within 10m" in out
    assert "not sent to PagerDuty" in out
    cli.clock.advance(minutes=11)
    data = json.loads(cli.ok("pages", iid, "--json"))
    assert data["pages"][0]["clock"]["overdue"] is True
    assert data["pages"][0]["summary"].startswith("paged Dana Lee 11m ago, no answer")


@pytest.mark.parametrize(
    "who, fragment",
    [
        ("zed", "nobody and nothing called 'zed'"),
        ("service:nope", "nothing called 'service:nope'"),
        ("payments:tertiary", "no 'tertiary' on-call"),
    ],
)
def test_unknown_person_or_service_in_page_exits_2_and_writes_nothing(
    cli: Cli, db_path: Path, who: str, fragment: str
) -> None:
    iid = cli.ok("declare", "Payments DB down", "--sev", "1").strip()
    before = written(db_path)
    code, out, err = cli("page", iid, who)
    assert code == 2 and fragment in err and out == ""
    assert "Traceback" not in err and written(db_path) == before
    code, _, err = cli("page", "INC-99", "erin")
    assert code == 2 and "INC-99" in err and written(db_path) == before


def test_a_malformed_catalog_exits_2_with_file_line_and_writes_nothing(
    cli: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    iid = cli.ok("declare", "Payments DB down", "--sev", "1").strip()
    before = written(db_path)
    bad = tmp_path / "catalog.yaml"
    bad.write_text("services:\n  payments-db:\n    owner: payments\n    tier: [1\n")
    monkeypatch.setenv("IRTUI_CATALOG", str(bad))
    for argv in (["page", iid, "payments-db"], ["oncall", "payments-db"], ["catalog", "check"]):
        code, _, err = cli(*argv)
        assert code == 2 and f"{bad}:" in err and "invalid YAML" in err, argv
        assert "Traceback" not in err
    assert written(db_path) == before


def test_a_dependency_cycle_is_reported_not_a_hang(cli: Cli, tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.write_text(
        "services:\n  a: {depends_on: [b]}\n  b: {depends_on: [a]}\n  c: {depends_on: [a]}\n"
    )
    code, out, _ = cli("catalog", "check", "--catalog", str(loop))
    assert code == 2 and f"{loop}:2: error: a: dependency cycle: a -> b -> a" in out
    out = cli.ok("catalog", "deps", "a", "--catalog", str(loop))
    assert "└ b" in out and "└ a  <- CYCLE" in out and "c" in out


def test_a_schedule_that_is_not_icalendar(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cat = tmp_path / "catalog.yaml"
    ics = FIXTURES / "schedules" / "not-a-calendar.ics"
    cat.write_text(
        "teams:\n  t: {oncall: {primary: s}}\n"
        f"services:\n  svc: {{owner: t}}\nschedules:\n  s: {{ical: {ics}}}\n"
    )
    iid = cli.ok("declare", "x", "--sev", "2").strip()
    before = written(db_path)
    code, out, _ = cli("catalog", "check", "--catalog", str(cat))
    assert code == 2 and "not-a-calendar.ics:1: error: s: not an iCalendar file" in out
    code, _, err = cli("oncall", "svc", "--catalog", str(cat))
    assert code == 2 and "not an iCalendar file" in err
    code, _, err = cli("page", iid, "svc", "--catalog", str(cat))
    assert code == 2 and "not an iCalendar file" in err and written(db_path) == before


def test_declare_lists_the_blast_radius_and_flags_unknown_services(cli: Cli) -> None:
    code, out, err = cli(
        "declare", "DB down", "--sev", "1", "--service", "payments-db", "--service", "mystery"
    )
    assert code == 0 and out.strip() == "INC-1"  # stdout stays what scripts read
    assert "mystery: not in the service catalog (flagged; kept on the incident)" in err
    assert "blast radius: payments-api (depends on payments-db)" in err
    assert "irtui catalog blast INC-1 --add" in err
    out = cli.ok("catalog", "blast", "INC-1", "--add")
    assert "added payments-api, checkout, api-gateway" in out
    data = json.loads(cli.ok("show", "INC-1", "--json"))
    assert data["services"] == ["payments-db", "mystery", "payments-api", "checkout", "api-gateway"]


def test_declare_adopts_the_catalog_links_of_its_services(cli: Cli) -> None:
    """The catalog's dashboard and runbook become the incident's links at declaration; a
    second declaration on the same service gets its own, and nothing set by hand is replaced."""
    code, out, err = cli("declare", "DB down", "--sev", "1", "--service", "payments-db")
    assert code == 0 and out.strip() == "INC-1"
    assert "INC-1: links from the service catalog: dashboard, runbook" in err
    links = json.loads(cli.ok("show", "INC-1", "--json"))["links"]
    assert links == {
        "dashboard": "https://grafana.example.com/d/payments-db",
        "runbook": "https://wiki.example.com/runbooks/payments-db",
    }
    code, _, err = cli("declare", "Slow", "--sev", "3", "--service", "storage")
    assert code == 0 and "links from the service catalog" not in err  # storage has none


def test_catalog_show_and_deps(cli: Cli) -> None:
    out = cli.ok("catalog", "show", "payments-db")
    assert "owner:        Payments  chat #payments" in out
    assert "blast radius: payments-api, checkout (via payments-api)" in out
    assert "link: Dashboard: https://grafana.example.com/d/payments-db" in out
    data = json.loads(cli.ok("catalog", "deps", "api-gateway", "--json"))
    assert [d["service"] for d in data["depends_on"]] == [
        "checkout",
        "payments-api",
        "payments-db",
        "storage",
        "storage",
    ]
    assert data["depends_on"][-1]["mark"] == "seen"
    code, _, err = cli("catalog", "show", "nope")
    assert code == 2 and "no service 'nope'" in err


def test_handoff_brief_for_the_incoming_on_call(cli: Cli, db_path: Path) -> None:
    cli.clock.set(utc(2026, 4, 5, 12))  # erin's week; bob takes over Monday 09:00
    cli.ok("declare", "Old blip", "--sev", "3", "--service", "checkout")
    cli.ok("status", "1", "resolved", "--checked", "all")
    cli.ok("declare", "Payments DB down", "--sev", "1", "--service", "payments-db")
    cli.ok("declare", "Elsewhere", "--sev", "2", "--service", "storage")
    cli.ok("action", "add", "INC-1", "Alert on replica lag", "--type", "detect", "--owner", "erin")
    out = cli.ok("oncall", "handoff", "payments")
    assert "primary    Erin Ortiz -> Bob Stone at 2026-04-06 07:00" in out
    assert "INC-2 SEV1 investigating: Payments DB down" in out
    assert "Elsewhere" not in out  # not the team's service
    assert "INC-1 SEV3 resolved: Old blip" in out
    assert "Alert on replica lag (erin" in out
    data = json.loads(cli.ok("oncall", "handoff", "payments", "--json"))
    assert data["handover_at"].startswith("2026-04-06T07:00")
    code, _, err = cli("oncall", "handoff")
    assert code == 2 and "which team?" in err


def test_hostile_text_in_reason_is_cleaned_with_a_notice_and_printed_safely(cli: Cli) -> None:
    iid = cli.ok("declare", "DB [/] x [/ y [red]", "--sev", "1").strip()
    code, out, err = cli("page", iid, "dana", "--reason", "lag \x1b]52;c;aGk=\x07 [/foo] \x00 now")
    assert code == 0 and "terminal control sequence(s) removed" in err
    data = json.loads(cli.ok("pages", iid, "--json"))
    assert data["pages"][0]["reason"] == "lag  [/foo]  now"
    out = cli.ok("pages", iid)
    assert "\x1b" not in out and "\x00" not in out
    long = "x" * 100_000
    code, _, err = cli("page", iid, "erin", "--reason", long)
    assert code == 2 and "limit is 2,000" in err


def test_oncall_is_fast_path_no_store_and_no_icalendar_import_when_cached(
    tmp_path: Path, clock: ManualClock
) -> None:
    """A second `irtui oncall` reads the schedule cache: neither icalendar nor the store."""
    env = {
        **os.environ,
        "IRTUI_CATALOG": str(CATALOG),
        "IRTUI_CACHE_DIR": str(tmp_path / "cache"),
        "IRTUI_DB": str(tmp_path / "never.db"),
        **clock_env(clock),
    }
    code = (
        "import sys\n"
        "from irtui.cli.main import main\n"
        "rc = main(['oncall', 'payments-db', '--json'])\n"
        "print('ICAL' if 'icalendar' in sys.modules else 'NOICAL', file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert "ICAL" in runs[0].stderr.split()[-1]  # first run parsed the .ics files
    assert runs[1].stderr.split()[-1] == "NOICAL"
    assert json.loads(runs[0].stdout) == json.loads(runs[1].stdout)
    assert not (tmp_path / "never.db").exists()


def test_sync_delivers_queued_pages_without_a_status_page(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    iid = cli.ok("declare", "Payments DB down", "--sev", "1").strip()
    fake = FakePagerDuty({KEY})
    monkeypatch.setenv(env_name("payments"), KEY)
    out = cli.ok("page", iid, "payments-db", "--no-send")
    assert "queued for PagerDuty (irtui sync delivers it)" in out
    code, out, _ = cli("sync", "--status")
    assert "page #1 trigger: pending" in out
    with serve(fake) as url:
        monkeypatch.setenv("IRTUI_PAGERDUTY_URL", url)
        code, out, err = cli("sync", "--once")
        assert code == 0, out + err
        assert "delivering pages only" in err and "#1 INC-1: sent" in out
    assert [a for _, a in fake.accepted] == ["trigger"]
    code, _, err = cli("sync", "--once")
    assert code == 2 and "cannot sync" in err  # nothing of ours waits: the old message


def test_hostile_names_in_the_catalog_are_printed_inert(cli: Cli, tmp_path: Path) -> None:
    cat = tmp_path / "catalog.yaml"
    cat.write_text(
        'people:\n  evil: {name: "[/] x [/ y \\e]52;c;aGk=\\a \\e[2J"}\n'
        'teams:\n  t: {name: "[red]T[/]", oncall: {primary: s}}\n'
        'services:\n  svc: {owner: t, description: "\\e[31mred"}\n'
        "schedules:\n  s:\n    rotation:\n"
        '      {people: [evil], every: day, start: 2026-01-01, handover: "09:00"}\n'
    )
    for argv, shown in (
        (["oncall", "svc"], "[/] x [/ y"),
        (["catalog", "show", "svc"], "[red]T[/]"),
        (["oncall", "svc", "--json"], "[/] x [/ y"),
    ):
        out = cli.ok(*argv, "--catalog", str(cat))
        assert "\x1b" not in out and "\x07" not in out, argv
        assert shown in out, (argv, out)
