"""Postmortem drafts: empty, huge, amended/retracted, non-ASCII; round-trip editing; reviews."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from irtui.domain.model import DomainError
from irtui.review import workflow
from irtui.review.postmortem import HUMAN_SECTIONS, TODO_PREFIX, parse_sections


def _section_body(markdown: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, heading
    return match.group(1).strip()


def test_incident_with_no_entries(store) -> None:
    inc = store.declare("Nothing logged", 2)
    draft = workflow.build_draft(store, inc.id)
    md = draft.markdown
    assert md.startswith(f"# Postmortem: {inc.id} — Nothing logged")
    assert draft.todo == [s.key for s in HUMAN_SECTIONS]
    for section in HUMAN_SECTIONS:
        # Nothing but our TODO marker: no invented prose.
        assert _section_body(md, section.heading) == f"{TODO_PREFIX} {section.prompt} -->"
    assert "_No entry was starred" in md and "_No entry was logged as a decision._" in md
    assert "_No action items yet" in md and "not resolved yet" in md
    assert "No blaming phrasing found." in md
    assert "| TTR | resolved − started | — |" in md


def test_five_thousand_entries(store, clock) -> None:
    inc = store.declare("Long night", 1, commander="alice")

    def bulk(_db) -> None:
        for n in range(5000):
            store.log(
                inc.id, f"step {n}: checked shard {n % 17}", kind="action", starred=n % 1000 == 0
            )

    store.db.write(bulk)  # one transaction: the test is about the draft, not fsync
    clock.advance(hours=3)
    store.resolve(inc.id, checked="all", early_reason="test")
    draft = workflow.build_draft(store, inc.id)
    assert "step 0: checked" in draft.markdown and "step 4999: checked" in draft.markdown
    assert draft.markdown.count("| action | alice | step ") == 5000
    starred = _section_body(draft.markdown, "Timeline").split("### Full timeline")[0]
    assert starred.count("step ") == 5
    short = workflow.build_draft(store, inc.id, timeline_limit=100)
    assert "step 4999: checked" not in short.markdown
    assert re.search(r"_\d+ more entries not shown here", short.markdown)


def test_amended_and_retracted_entries_are_shown_honestly(store, clock) -> None:
    inc = store.declare("Cache stampede", 2)
    wrong = store.log(inc.id, "restarted redis-1", kind="action")
    clock.advance(minutes=1)
    store.amend(inc.id, wrong.id, "restarted redis-2 (not redis-1)")
    gone = store.log(inc.id, "decided to purge CDN", kind="decision", starred=True)
    clock.advance(minutes=1)
    store.retract(inc.id, gone.id, "logged on the wrong incident")
    md = workflow.build_draft(store, inc.id).markdown
    assert "restarted redis-2 (not redis-1)" in md
    assert "originally: “restarted redis-1”" in md
    assert "~~decided to purge CDN~~ **retracted** by alice" in md
    assert "logged on the wrong incident" in md
    decisions = _section_body(md, "Decisions")
    assert "~~decided to purge CDN~~" in decisions  # still listed, visibly struck


def test_non_ascii_and_markdown_hostile_text(store, tmp_path: Path) -> None:
    title = "Zahlungsausfall – 支付失败 ☕ | a|b <b>x</b>"
    inc = store.declare(title, 1, services=["zahlungs-db"], impact="Kunden in ÄÖÜ")
    store.log(inc.id, "日本語のメモ\nzweite Zeile | pipe", kind="note")
    draft = workflow.build_draft(store, inc.id)
    assert "支付失败 ☕ \\| a\\|b" in draft.markdown
    assert "日本語のメモ zweite Zeile \\| pipe" in draft.markdown  # one table row
    assert "> Recorded at declaration: Kunden in ÄÖÜ" in draft.markdown
    out = tmp_path / "pm.md"
    assert workflow.save_sections_from_markdown(store, inc.id, draft.markdown) == []
    out.write_text(draft.markdown, encoding="utf-8")
    assert "支付失败" in out.read_text(encoding="utf-8")


def test_round_trip_editing_saves_only_changed_sections(store, clock) -> None:
    inc = store.declare("Queue backlog", 2)
    store.resolve(inc.id, checked="all", early_reason="test")
    md = workflow.build_draft(store, inc.id).markdown
    edited = md.replace(
        f"{TODO_PREFIX} two or three sentences: what happened, who was affected, how it ended -->",
        "The consumer pool was exhausted; orders queued for 20 minutes.",
    )
    edited = edited.replace("## Root cause\n", "## Root cause\n\nHuman error by Dana.\n", 1)
    assert parse_sections(edited)["summary"].startswith("The consumer pool")
    assert sorted(workflow.save_sections_from_markdown(store, inc.id, edited)) == [
        "root_cause",
        "summary",
    ]
    assert workflow.save_sections_from_markdown(store, inc.id, edited) == []
    draft = workflow.build_draft(store, inc.id)
    assert "The consumer pool was exhausted" in draft.markdown
    assert {f.rule for f in draft.findings} == {"human-error"}
    assert draft.findings[0].section == "Root cause"
    assert "summary" not in draft.todo and "root_cause" not in draft.todo


def test_review_due_completion_and_overdue_listing(store, clock) -> None:
    inc = store.declare("Login errors", 1)  # Sunday 2026-11-22
    with pytest.raises(DomainError, match="not resolved"):
        workflow.complete_review(store, inc.id)
    store.resolve(inc.id, checked="all", early_reason="test")
    assert workflow.reviews(store, store.now())[0].state.startswith("due 2026-11-28 00:00")
    with pytest.raises(DomainError, match="sections still to write"):
        workflow.complete_review(store, inc.id)
    clock.advance(days=6)
    overdue = workflow.reviews(store, store.now(), overdue_only=True)
    assert [r.incident.id for r in overdue] == [inc.id] and "OVERDUE" in overdue[0].state
    for section in HUMAN_SECTIONS:
        workflow.save_section(store, inc.id, section.key, f"{section.heading} text")
    draft = workflow.complete_review(store, inc.id)
    assert "late by" in draft.review_state and draft.todo == []
    assert workflow.reviews(store, store.now(), overdue_only=True) == []
    with pytest.raises(DomainError, match="already completed"):
        workflow.complete_review(store, inc.id)
    workflow.reopen_review(store, inc.id, "new facts")
    assert workflow.reviews(store, store.now(), overdue_only=True)[0].incident.id == inc.id


def test_recurrence_note_and_tags_in_draft(store, clock) -> None:
    for n in range(3):
        inc = store.declare(f"payments-db wobble {n}", 2, services=["payments-db"])
        clock.advance(days=1)
    workflow.tag(store, inc.id, ["Replica Lag"])
    workflow.set_cause(store, inc.id, "capacity", "connections maxed")
    md = workflow.build_draft(store, inc.id).markdown
    assert (
        "3rd incident this quarter (2026-Q4) involving service payments-db (earlier: INC-1, INC-2)"
    ) in md
    assert "- **Tags:** replica-lag" in md
    assert "> Categories: **capacity** — connections maxed" in md
    with pytest.raises(DomainError):
        workflow.save_section(store, inc.id, "nonsense", "x")
    with pytest.raises(DomainError):
        workflow.tag(store, inc.id, ["  "])


def test_terminal_escapes_never_reach_the_draft(store) -> None:
    inc = store.declare("evil \x1b[2J title", 2, services=["db\x1b[31m"])
    store.log(inc.id, "entry \x1b]0;pwned\x07 here")
    workflow.save_section(store, inc.id, "summary", "line one\nline \x1b[1mtwo")
    workflow.tag(store, inc.id, ["x\x1by"])
    md = workflow.build_draft(store, inc.id).markdown
    assert "\x1b" not in md and "\x07" not in md
    assert "line one\nline two" in md  # multi-line sections keep their lines


def test_decision_records_become_a_table_and_plain_decisions_invent_nothing(store) -> None:
    inc = store.declare("Checkout 502s", 1)
    store.log(
        inc.id,
        "drain eu-west — proposal: drain; objections: comms worried",
        kind="decision",
        starred=True,
        decision={
            "proposal": "drain eu-west",
            "objections": "comms worried | later",
            "call": "drain eu-west at 14:10",
        },
    )
    store.log(inc.id, "roll back #4821", kind="decision")
    nobody = store.log(
        inc.id,
        "freeze deploys",
        kind="decision",
        decision={"proposal": "freeze deploys", "objections": "", "call": "freeze deploys"},
    )
    store.amend(inc.id, nobody.id, "freeze deploys until Monday")
    rows = [
        line
        for line in _section_body(
            workflow.build_draft(store, inc.id).markdown, "Decisions"
        ).splitlines()
        if line.startswith("| ")
    ]
    assert rows[0].startswith("| at (UTC) | the call | proposal | objections raised |")
    record, plain, amended = rows[1:]
    assert "| drain eu-west at 14:10 | drain eu-west | comms worried \\| later |" in record
    assert "| roll back #4821 | — | — |" in plain  # nothing invented
    assert "freeze deploys until Monday" in amended and "amended" in amended
    assert "| none raised |" in amended


def test_only_a_decision_entry_carries_a_decision_record(store) -> None:
    inc = store.declare("x", 3)
    with pytest.raises(DomainError, match="only a decision entry"):
        store.log(inc.id, "note", kind="note", decision={"call": "y"})
