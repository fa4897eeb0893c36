"""The keystroke table of docs/tui.md, measured: each of the ten core war-room actions done by
keys in the real TUI, its keys counted (what is typed as text — a title, a name, a reason — is
not counted, as "plus the names" in issue 14), each at or below the Slack column of the issue
where it has one. The table printed by `-s` is the one in docs/tui.md."""

from __future__ import annotations

from dataclasses import dataclass, field

from irtui.domain.model import EventKind, Role
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from irtui.tui.screens.incident import IncidentScreen
from tests.tui.conftest import make_app, settle

SLACK = {  # issue 14's incident.io-in-Slack column (the upper end)
    "declare": 9,
    "set severity with a reason": 6,
    "assign a role": 5,
    "log an entry": 5,
    "log a decision": 5,
    "resolve": 4,
}


@dataclass(frozen=True)
class T:
    """Text typed as text: not counted."""

    text: str


@dataclass
class Counter:
    pilot: object
    counts: dict[str, int] = field(default_factory=dict)

    async def do(self, action: str, *keys: str | T) -> None:
        pressed: list[str] = []
        for key in keys:
            pressed += list(key.text) if isinstance(key, T) else [key]
        self.counts[action] = self.counts.get(action, 0) + sum(
            1 for k in keys if not isinstance(k, T)
        )
        await self.pilot.press(*pressed)  # type: ignore[attr-defined]
        await self.pilot.app.workers.wait_for_complete()  # type: ignore[attr-defined]
        await settle(self.pilot)


async def test_ten_core_actions_by_keys(store: Store, clock: ManualClock) -> None:
    app: IrtuiApp = make_app(store, clock)
    app.typeahead_grace_s = 0.0  # the person looks before each key: no type-ahead guard
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        count = Counter(pilot)
        await count.do("declare", "n", T("Checkout 502s"), "ctrl+s")
        assert isinstance(app.screen, IncidentScreen)
        iid = app.screen.incident_id
        await count.do(
            "set severity with a reason", "escape", "s", "1", T("EU checkout down"), "enter"
        )
        assert store.get(iid).severity == 1
        await count.do("ack", "escape", "a")
        assert store.get(iid).milestones.get("acknowledged")
        await count.do(
            "assign three roles",
            "escape",
            "r",
            T("bob"),
            "enter",
            T("carol"),
            "enter",
            T("dave"),
            "enter",
            "enter",
        )
        roles = store.get(iid).roles
        assert {roles[r].name for r in (Role.TECH_LEAD, Role.COMMS_LEAD, Role.SCRIBE)} == {
            "bob",
            "carol",
            "dave",
        }
        await count.do("assign a role", "escape", "r", T("erin"), "ctrl+s")
        assert store.get(iid).roles[Role.DEPUTY].name == "erin"  # empty: assigned, not offered
        await count.do("log an entry", T("rolled back deploy 4821"), "enter")
        await count.do("log a decision", "d", "colon", "space", T("keep the flag off"), "enter")
        kinds = [e.payload.get("kind") for e in store.events(iid) if e.kind == EventKind.ENTRY]
        assert kinds[-2:] == ["note", "decision"]
        await count.do("hand off IC", "escape", "r", T("zoe"), "ctrl+s")  # every role held now
        assert any(e.kind == EventKind.ROLE_HANDED_OFF for e in store.events(iid))
        updates = len([e for e in store.events(iid) if e.kind == EventKind.UPDATE_SENT])
        await count.do("post an update (one audience)", "escape", "u", "ctrl+s")
        assert len([e for e in store.events(iid) if e.kind == EventKind.UPDATE_SENT]) > updates
        updates = len([e for e in store.events(iid) if e.kind == EventKind.UPDATE_SENT])
        await count.do(  # the second ctrl+s: Posted by hand (no status page here) or Publish
            "post a SEV1 update to internal + exec + status page",
            "escape",
            "u",
            "alt+e",
            "alt+c",
            "ctrl+s",
            "ctrl+s",
        )
        sent = [e for e in store.events(iid) if e.kind == EventKind.UPDATE_SENT][updates:]
        assert sorted(e.payload["audience"] for e in sent) == ["exec", "internal", "statuspage"]
        assert {e.recorded_at for e in sent} == {sent[0].recorded_at}  # one write
        await count.do("change status", "escape", "t", "m", "enter", "enter")
        assert str(store.get(iid).status) == "mitigating"
        await count.do("resolve", "escape", "R", "ctrl+s")
        await pilot.pause()
        counts = count.counts
        print("\n| action | keys (text not counted) | Slack (issue 14) |")
        print("| --- | --- | --- |")
        for action, n in counts.items():
            print(f"| {action} | {n} | {SLACK.get(action, '—')} |")
        for action, limit in SLACK.items():
            assert counts[action] <= limit, (action, counts[action], limit)
        assert counts["assign three roles"] <= 8
