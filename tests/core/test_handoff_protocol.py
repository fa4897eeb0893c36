"""The hand-off protocol as the seeds write it: offer with the outgoing person's brief (stored
and shown verbatim), accept as the named incoming person with a read-back, confirm by the
outgoing person; withdraw or decline; the same for every held role."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from irtui.demo import _as
from irtui.domain.brief import build_brief
from irtui.domain.model import DomainError, EventKind, Role
from irtui.domain.timeline import build_timeline
from irtui.store.repo import Store
from tests.cli_runner import Cli

BRIEF = "Status: identified.\nRoot cause: pool exhausted [/] \\x1b[31m (typed by alice)\n★ keep"


@pytest.fixture
def incident(store: Store):
    return store.declare("Checkout 500s", 1, commander="alice")


def test_offer_accept_confirm_moves_the_role_only_at_the_end(store: Store, clock, incident):
    iid = incident.id
    inc = store.handoff(iid, "ic", "erin", brief=BRIEF)
    assert inc.commander == "alice" and inc.handoffs["commander"].brief == BRIEF
    with _as(store, "erin"):
        inc = store.accept_handoff(iid, "ic")
    offer = inc.handoffs["commander"]
    assert offer.readback == "I'm taking IC. Current status is investigating."
    assert inc.commander == "alice"  # not yet: the outgoing IC confirms
    clock.advance(minutes=1)
    inc = store.confirm_handoff(iid, "ic")
    assert inc.commander == "erin" and inc.roles["commander"].since == clock()
    assert "commander" not in inc.handoffs
    texts = [t.text for t in store.timeline(iid) if t.source != "entry"]
    assert "alice offers Incident Commander to erin (with a brief)" in texts
    assert any(t.startswith("erin accepts Incident Commander: “I'm taking IC.") for t in texts)
    assert "alice: “Confirmed, erin is now IC” — Incident Commander is erin" in texts
    assert store.verify_projection(iid)


def test_only_the_named_person_accepts_and_not_the_outgoing_one(store: Store, incident):
    iid = incident.id
    store.handoff(iid, "ic", "erin", brief=BRIEF)
    with _as(store, "mallory"), pytest.raises(DomainError, match="only erin can accept"):
        store.accept_handoff(iid, "ic")
    with pytest.raises(DomainError, match="you \\(alice\\) are handing IC off"):
        store.accept_handoff(iid, "ic")
    with _as(store, "mallory"), pytest.raises(DomainError, match="only alice"):
        store.handoff(iid, "ic", "mallory")  # nor can anyone offer someone else's role
    with _as(store, "Erin "):  # the same person, however typed
        store.accept_handoff(iid, "ic", readback="I'm taking IC. Current status is bad.")
    with _as(store, "erin"), pytest.raises(DomainError, match="only alice, who is handing"):
        store.confirm_handoff(iid, "ic")
    assert store.get(iid).commander == "alice"


def test_withdraw_and_decline(store: Store, incident):
    iid = incident.id
    store.handoff(iid, "ic", "erin")
    inc = store.withdraw_handoff(iid, "ic", reason="erin is off shift")
    assert not inc.handoffs and inc.roles["commander"].pending_handoff_to is None
    store.handoff(iid, "ic", "frank")
    with _as(store, "frank"):
        store.withdraw_handoff(iid, "ic")
    texts = [t.text for t in store.timeline(iid) if t.source == EventKind.HANDOFF_WITHDRAWN]
    assert texts == [
        "Hand-off of Incident Commander to erin withdrawn — erin is off shift",
        "Hand-off of Incident Commander to frank declined",
    ]
    with pytest.raises(DomainError, match="no hand-off of IC is waiting"):
        store.confirm_handoff(iid, "ic")


def test_every_held_role_and_empty_roles_are_assigned(store: Store, incident):
    iid = incident.id
    inc = store.assign_role(iid, "scribe", "carol")  # empty: assigned, no offer
    assert inc.roles["scribe"].name == "carol" and not inc.handoffs
    assert not [e for e in store.events(iid) if e.kind == EventKind.ROLE_HANDED_OFF]
    inc = store.assign_role(iid, "scribe", "dave")  # held: the protocol
    assert inc.roles["scribe"].name == "carol" and inc.handoffs["scribe"].to == "dave"
    with _as(store, "dave"):
        store.accept_handoff(iid, "scribe")
    inc = store.confirm_handoff(iid, "scribe")  # the IC may confirm for another role
    assert inc.roles["scribe"].name == "dave"
    inc = store.assign_role(iid, "customer liaison", "gina")
    assert inc.roles["customer_liaison"].name == "gina"


def test_generated_brief_keeps_every_starred_fact_and_the_detection(store: Store, clock):
    inc = store.declare("Checkout 500s", 1, commander="alice")
    store.log(
        inc.id,
        "PagerDuty: checkout 5xx at 68%",
        kind="detection",
        at=clock() - timedelta(minutes=3),
    )
    for n in range(12):
        clock.advance(minutes=1)
        store.log(inc.id, f"fact {n}", kind="action", starred=n in (0, 5))
    events = store.events(inc.id)
    brief = build_brief(store.get(inc.id), build_timeline(events), events, clock())
    assert "(13:57Z) — PagerDuty: checkout 5xx at 68%" in brief and "· detected " in brief
    assert "★ fact 0" in brief and "★ fact 5" in brief and "fact 11" in brief
    inc = store.handoff(inc.id, "ic", "erin")  # no brief given: the generated one is stored
    assert "★ fact 0" in inc.handoffs["commander"].brief


def test_cli_protocol_and_the_brief_in_show_export_and_postmortem(db_path, clock):
    cli = Cli(db_path, clock)
    cli.ok("declare", "Checkout 500s", "--sev", "1", "--ic", "alice")
    out = cli.ok("handoff", "1", "ic", "erin", "--brief", BRIEF, as_="alice")
    assert "offered to erin" in out and "irtui --as erin accept INC-1 commander" in out
    code, _, err = cli("accept", "INC-1", "ic", as_="mallory")
    assert code == 2 and "only erin can accept this hand-off of IC (you are mallory)" in err
    code, _, err = cli("accept", "INC-1", "ic", as_="alice")
    assert code == 2 and "handing IC off" in err
    shown = cli.ok("show", "1")
    assert "hand-off of IC: alice → erin" in shown and "Root cause: pool exhausted [/]" in shown
    out = cli.ok("accept", "1", "ic", as_="erin")
    assert "Brief from alice, as written:" in out and "Root cause: pool exhausted" in out
    assert "waiting for alice to confirm" in out
    assert "Confirmed, erin is now IC" in cli.ok("confirm", "1", "ic", as_="alice")
    data = json.loads(cli.ok("show", "1", "--json"))
    assert data["roles"]["commander"]["name"] == "erin" and data["handoffs"] == {}
    offer = next(t for t in data["timeline"] if t["text"].startswith("alice offers"))
    assert offer["detail"] == BRIEF  # verbatim
    exported = cli.ok("export", "1")
    assert "## Hand-offs" in exported and "> Root cause: pool exhausted [/]" in exported
    assert "Confirmed, erin is now IC" in exported
    cli.ok("mitigated", "1")
    cli.ok("status", "1", "resolved", "--checked", "all", "--early-reason", "test")
    postmortem = cli.ok("postmortem", "1")
    assert "## Hand-offs" in postmortem and "> Status: identified." in postmortem
    assert "Read-back" in postmortem and "I'm taking IC" in postmortem


def test_the_hand_off_steps_per_person(store: Store, incident):
    from irtui.domain.handoff import step_for

    store.handoff(incident.id, Role.COMMANDER, "erin")
    inc = store.get(incident.id)
    assert step_for(inc, "commander", "erin") == "accept"
    assert step_for(inc, "commander", "alice") == "wait"
    with _as(store, "erin"):
        inc = store.accept_handoff(incident.id, "ic")
    assert step_for(inc, "commander", "alice") == "confirm"
    assert step_for(inc, "commander", "erin") == "wait"
