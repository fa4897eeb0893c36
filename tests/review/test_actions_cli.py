"""Action items (repo and CLI), tags, causes, reviews and the postmortem command."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from irtui.domain.model import DomainError
from irtui.store.actions_repo import ActionsRepo
from irtui.store.errors import NotFound


def test_repo_lifecycle(store, clock) -> None:
    inc = store.declare("Disk full", 3)
    repo = ActionsRepo(store.db)
    now = store.now()
    a = repo.add(
        inc.id,
        "  Alert on   disk 80% ",
        type="detect",
        now=now,
        owner="bob",
        due=date(2026, 11, 23),
        priority="1",
    )
    assert (a.title, a.priority, a.status, a.owner) == ("Alert on disk 80%", "P1", "open", "bob")
    b = repo.add(inc.id, "Document cleanup", type="document", now=now)
    assert not a.is_overdue(now)
    clock.advance(days=2)
    later = store.now()
    assert [i.id for i in repo.list(overdue_at=later)] == [a.id]
    done = repo.done(a.id, later)
    assert done.status == "done" and done.done_on_time() is False
    with pytest.raises(DomainError, match="already done"):
        repo.done(a.id, later)
    with pytest.raises(DomainError, match="reason"):
        repo.wontdo(b.id, "  ", later)
    closed = repo.wontdo(b.id, "covered by the new runbook", later)
    assert closed.reason == "covered by the new runbook" and closed.closed_at == later
    assert repo.list(open_only=True) == []
    assert repo.reopen(b.id, later).status == "open"
    with pytest.raises(NotFound):
        repo.get(999)


def test_actions_cli(cli, clock) -> None:
    cli.ok("declare", "Checkout errors", "--sev", "2", "--service", "checkout")
    out = cli.ok(
        "action",
        "add",
        "INC-1",
        "Canary deploys",
        "--type",
        "prevent",
        "--owner",
        "dana",
        "--due",
        "+5bd",
        "--priority",
        "P1",
        "--json",
    )
    item = json.loads(out)
    assert item["due"] == "2026-11-27" and item["priority"] == "P1" and item["id"] == 1
    cli.ok("action", "add", "INC-1", "Write it up", "--type", "document", "--due", "2026-11-23")
    cli.ok("action", "add", "INC-1", "No date", "--type", "mitigate")
    clock.advance(days=2)
    overdue = json.loads(cli.ok("actions", "--overdue", "--json"))
    assert [i["title"] for i in overdue] == ["Write it up"] and overdue[0]["overdue"]
    assert "OVERDUE" in cli.ok("actions", "--open")
    assert "done (on time)" in cli.ok("action", "done", "1")
    assert "won't do" in cli.ok("action", "wontdo", "2", "--reason", "merged into #1")
    assert [i["id"] for i in json.loads(cli.ok("actions", "--open", "--json"))] == [3]
    assert len(json.loads(cli.ok("actions", "--incident", "INC-1", "--json"))) == 3
    for argv, message in [
        (("action", "add", "INC-1", "x", "--type", "fix"), "invalid choice"),
        (("action", "add", "INC-9", "x", "--type", "detect"), "INC-9"),
        (("action", "add", "INC-1", "x", "--type", "detect", "--due", "soon"), "due date"),
        (("action", "add", "INC-1", "x", "--type", "detect", "--priority", "P7"), "priority"),
        (("action", "done", "42"), "no action item 42"),
        (("action", "done", "1"), "already done"),
    ]:
        code, _, err = cli(*argv)
        assert code == 2 and message in err and "Traceback" not in err


def test_learning_cli_and_recurring(cli, clock) -> None:
    for n in range(2):
        cli.ok("declare", f"db {n}", "--sev", "2", "--service", "payments-db")
        clock.advance(hours=1)
    assert "payments, replica-lag" in cli.ok("tag", "1", "payments", "Replica Lag")
    assert "payments" not in cli.ok("tag", "1", "payments", "--remove").split(": ")[1]
    code, out, err = cli("cause", "INC-1", "cosmic-rays", "--text", "bit flip")
    assert code == 0 and "cosmic-rays" in out and "custom category" in err
    cli.ok("cause", "INC-2", "capacity")
    found = json.loads(cli.ok("recurring", "--json"))
    assert found[0]["value"] == "payments-db" and found[0]["count"] == 2
    assert "2 incidents in 2026-Q4" in cli.ok("recurring")
    assert cli.ok("recurring", "--since", "2027-01-01") == "Nothing recurred.\n"


def test_postmortem_cli(cli, clock, tmp_path: Path) -> None:
    cli.ok("declare", "Payments down", "--sev", "1", "--ic", "alice")
    cli.ok("log", "INC-1", "Bob should have seen the alert")
    clock.advance(minutes=30)
    cli.ok("status", "INC-1", "resolved", "--checked", "all", "--early-reason", "test")
    out = cli.ok("postmortem", "INC-1")
    assert out.startswith("# Postmortem: INC-1 — Payments down")
    code, out, _ = cli("postmortem", "INC-1", "--check")
    assert code == 1 and "[should-have]" in out
    draft = tmp_path / "pm.md"
    assert "draft written" in cli.ok("postmortem", "INC-1", "--out", str(draft))
    text = draft.read_text(encoding="utf-8").replace(
        "## Summary\n", "## Summary\n\nPayments were down for 30 minutes.\n", 1
    )
    draft.write_text(text, encoding="utf-8")
    assert "saved summary" in cli.ok("postmortem", "INC-1", "--from", str(draft))
    cli.ok("postmortem", "INC-1", "--set", "root_cause", "--text", "Pool too small.")
    data = json.loads(cli.ok("postmortem", "INC-1", "--json"))
    assert "summary" not in data["todo"] and "root_cause" not in data["todo"]
    assert data["review_due"].startswith("2026-11-28")
    code, _, err = cli("postmortem", "INC-1", "--complete")
    assert code == 2 and "sections still to write" in err
    assert "completed" in cli.ok("postmortem", "INC-1", "--complete", "--force")
    reviews = json.loads(cli.ok("reviews", "--json"))
    assert reviews[0]["completed"] is True
    assert cli.ok("reviews", "--overdue") == "No overdue reviews.\n"
    code, _, err = cli("postmortem", "INC-1", "--set", "vibes", "--text", "x")
    assert code == 2 and "section must be one of" in err


def test_reviews_overdue_cli(cli, clock) -> None:
    cli.ok("declare", "Old outage", "--sev", "2")
    cli.ok("status", "INC-1", "resolved", "--checked", "all", "--early-reason", "test")
    cli.ok("declare", "Minor thing", "--sev", "3")
    cli.ok("status", "INC-2", "resolved", "--checked", "all", "--early-reason", "test")
    clock.advance(timedelta(days=8))
    out = cli.ok("reviews", "--overdue")
    assert "INC-1" in out and "OVERDUE" in out and "INC-2" not in out  # SEV3 owes none
