"""The typing torture test: on every screen and dialog, a 2,000-character scribe transcript
(every letter, digit and punctuation mark, shifted keys, words full of the command letters
k s q u a t d e x) typed as fast as keys can queue, then a pasted block with `[b]` and emoji:
no command fires, no traceback, and the text lands intact where the focus says it is.

Screens with no text field (help, the quit question, the publish preview) must take the whole
transcript without doing anything.
"""

from __future__ import annotations

import string

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, TextArea

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from tests.tui.conftest import make_app, settle

LINES = [
    "kill switch enabled at 14:02, error rate dropping; quick ack from dave.",
    "Sev stays 1 - status: identified? Ask Quinn (qa) to re-test checkout #4821!",
    "we think it's the db pool (500/500 used); x-ray shows 95th pct = 2.3s & rising.",
    'Erin said "roll back v42 now" -- approved by IC; ETA ~5 min [eu-west only].',
    "TODO later: check `kubectl get pods -n payments` | grep -v Running > /tmp/x.txt",
    "Jitter on the load balancer: 3 of 7 nodes {a,b,c}; retries <= 2; timeout=30s.",
    "Zoe: verify replica lag, back in 3 min ^_^ ... @oncall-db +1 (100% sure? no).",
    "quit asking 'is it fixed yet' :) tasks: 1) drain 2) restart 3) watch; done?",
]
ALPHABET = " " + string.ascii_letters + string.digits + string.punctuation


def transcript(length: int = 2000) -> str:
    """Realistic lines, then every printable ASCII key once more, cut to `length`."""
    text = " ".join(LINES)
    while len(text) < length - len(ALPHABET) - 1:
        text += " " + " ".join(LINES)
    text = text[: length - len(ALPHABET) - 1] + " " + ALPHABET
    assert len(text) == length and set(ALPHABET) <= set(text)
    return text


TEXT = transcript()
PASTE = "[b]pasted[/b] from #incident: 🔥 latency p99 = 4s 👩‍🚒 [red]still[/red] x [/ y"


def key_event(char: str) -> events.Key:
    name = char if char.isalnum() else _character_to_key(char)
    return events.Key(name, char)


async def type_text(app: IrtuiApp, pilot, text: str) -> None:
    """Keys queued back to back, as a fast typist's terminal delivers them."""
    for start in range(0, len(text), 200):
        for char in text[start : start + 200]:
            app.post_message(key_event(char))
        await pilot.pause()
    await pilot.pause()


async def paste(app: IrtuiApp, pilot, text: str) -> None:
    app.post_message(events.Paste(text))
    await pilot.pause()


def value_of(widget) -> str:
    return widget.value if isinstance(widget, Input) else widget.text


async def torture(app: IrtuiApp, pilot, store: Store, *, expect_text: bool = True) -> None:
    """Type TEXT and paste PASTE where the focus is; nothing else may happen."""
    screen, focused = app.screen, app.focused
    before = store.change_marker()
    start = value_of(focused) if expect_text else ""
    await type_text(app, pilot, TEXT)
    await paste(app, pilot, PASTE)
    assert app.is_running and app.return_code is None
    assert app.screen is screen, f"a command changed the screen: {app.screen}"
    assert store.change_marker() == before, "something was written to the store"
    if expect_text:
        widget = app.focused
        assert isinstance(widget, Input | TextArea)
        assert value_of(widget) == start + TEXT + PASTE


@pytest.fixture
def app(store: Store, clock: ManualClock, demo_ids: dict[str, str]) -> IrtuiApp:
    return make_app(store, clock)


async def open_incident(app: IrtuiApp, pilot, iid: str):
    app.open(iid)
    await pilot.pause()
    return app.screen


async def test_incident_screen_every_focus(app: IrtuiApp, store: Store, demo_ids):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = await open_incident(app, pilot, demo_ids["sev1"])
        entry = screen.query_one("#entry", Input)
        await torture(app, pilot, store)
        for focus in ("#timeline", "#tasks"):
            entry.value = ""
            screen.query_one(focus).focus()
            await type_text(app, pilot, TEXT)
            assert app.screen is screen and entry.value == TEXT and app.focused is entry
        await pilot.press("escape", "p")  # the runbook pane's lists: type to log as well
        await pilot.pause()
        await app.workers.wait_for_complete()
        entry.value = ""
        for widget in screen.query("#rbp-list, #rbp-steps"):
            if widget.display:
                widget.focus()
                await type_text(app, pilot, TEXT[:400])
                assert entry.value.endswith(TEXT[:400])
                entry.value = ""
        before = store.change_marker()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        assert store.change_marker() == before  # empty line: nothing


async def test_entry_line_commits_the_transcript_intact(app: IrtuiApp, store: Store, demo_ids):
    iid = demo_ids["sev1"]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_incident(app, pilot, iid)
        await type_text(app, pilot, TEXT)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.timeline(iid, include_system=False)[-1].text == TEXT
        await paste(app, pilot, "first line\n" + PASTE + "\n\x1b[31mlast\x1b[0m line")
        dialog = app.screen  # a multi-line paste opens as one multi-line entry
        assert dialog.query_one(TextArea).text == "first line\n" + PASTE + "\nlast line"
        assert any("control" in n.message for n in app._notifications)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.timeline(iid, include_system=False)[-1].text.endswith("\nlast line")


async def test_board_filter_and_timeline_search(app: IrtuiApp, store: Store, demo_ids):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await torture(app, pilot, store)
        assert app.screen.filter == (TEXT + PASTE).strip()
        await pilot.press("escape")
        await settle(pilot)
        await open_incident(app, pilot, demo_ids["sev1"])
        await pilot.press("escape", "slash")
        await pilot.pause()
        await torture(app, pilot, store)


DIALOG_FIELDS = [
    # (keys that open it from the incident screen, field ids to type into)
    (("escape", "s"), ("#reason",)),
    (("escape", "t"), ("#note",)),
    (("escape", "d"), ("#proposal", "#objections", "#call")),
    (("up", "up", "escape", "x"), ("#value",)),  # a person's entry (the last is the demo's
    # milestone move, a system fact that cannot be retracted)
    (("escape", "g"), ("#value",)),
    (("escape", "n"), ("#title", "#services", "#impact", "#ic")),
    (("escape", "u"), ("#f-status", "#f-impact", "#f-known", "#f-doing", "#f-next")),
    (("escape", "r"), ("#staff-comms_lead", "#staff-deputy")),  # staffing: Comms is empty
    (("escape", "r", "ctrl+r"), ("#to", "#brief")),
    (("escape", "i"), ("#title", "#impact", "#link-dashboard")),
    (("escape", "A"), ("#ai-title", "#ai-owner")),
    (("escape", "S"), ("#snooze-reason",)),
]


@pytest.mark.parametrize(
    "keys,fields", DIALOG_FIELDS, ids=["-".join(k[1:]) for k, _ in DIALOG_FIELDS]
)
async def test_every_dialog_field(app: IrtuiApp, store: Store, demo_ids, keys, fields):
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await open_incident(app, pilot, demo_ids["sev1"])
        await pilot.press(*keys)
        await pilot.pause()
        dialog = app.screen
        for field in fields:
            widget = dialog.query_one(field)
            widget.focus()
            await pilot.pause()
            if isinstance(widget, Input):
                widget.value = ""
            else:
                widget.text = ""
            await torture(app, pilot, store)


async def test_postmortem_section_editor_and_runbook_search(app: IrtuiApp, store: Store, demo_ids):
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await open_incident(app, pilot, demo_ids["resolved"])
        await pilot.press("escape", "m")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        area = app.screen.query_one(TextArea)
        area.text = ""
        await torture(app, pilot, store)
        await pilot.press("escape")  # typed text: asks
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape", "b")
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.screen.query_one("#rb-search", Input).value = ""
        await torture(app, pilot, store)


async def test_screens_without_text_fields_ignore_typing(app: IrtuiApp, store: Store, demo_ids):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        await torture(app, pilot, store, expect_text=False)  # even `q` and `?`
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        await torture(app, pilot, store, expect_text=False)  # the quit question: no `y`
        await pilot.press("escape")
        await settle(pilot)
        await open_incident(app, pilot, demo_ids["sev1"])
        await app.run_action("screen.compose")
        await pilot.pause()
        composer = app.screen
        composer.query_one("#aud-statuspage").value = True
        await pilot.pause()
        composer.query_one("#aud-statuspage").focus()  # a checkbox: space must not flip
        await torture(app, pilot, store, expect_text=False)
        assert composer.audience == "statuspage"
