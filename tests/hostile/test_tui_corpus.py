"""The hostile corpus through every screen of the TUI, by keys (issue 13, quality bar).

The store is seeded through irtui and then given the corpus *raw* (straight into the rows, as
an older irtui, a hand-edited database or another tool could leave it): the input boundary
cannot help, only the output one can. Severity names come from a hostile policy, runbook text
from a hostile runbook folder. After every step the screen is rendered exactly as a terminal
would receive it (the compositor's full update) and checked: no control character or escape
sequence of the corpus, no hyperlink to the attacker, no crash.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from irtui.domain.policy import load_policy
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from tests.hostile.corpus import TEXT, forbidden_in
from tests.tui.conftest import _utc, make_app  # noqa: F401 - the UTC fixture is autouse there

HOSTILE = [v for k, v in TEXT.items() if k not in ("long-line", "empty", "blank")]
"""One corpus value per field (the 100 KB line gets an entry of its own)."""
SIGNATURES = ("\x1b]0;", "\x1b]52;", "\x1b[2J", "\x1b[3J", "\x07", "\x9b")
"""Sequences of the corpus that must not appear in what the terminal receives (Textual's own
output is CSI cursor/colour codes and OSC 8 links of its own)."""
EVIL_LINK = re.compile(r"\x1b]8;[^;\x1b]*;[^\x1b\x07]*evil")


def _seed(store: Store) -> dict[str, str]:
    """An incident whose every field holds a placeholder, a resolved one for the postmortem."""
    inc = store.declare(
        "PH-title", 1, services=["PH-service"], impact="PH-impact", commander="PH-commander"
    )
    store.assign_role(inc.id, "tech", "PH-tech")
    store.assign_role(inc.id, "customer liaison", "PH-liaison")
    store.assign_role(inc.id, "PH-role", "PH-holder")
    store.handoff(inc.id, "comms", "PH-to", brief="PH-brief")
    for n, kind in enumerate(("note", "action", "decision", "detection", "escalation")):
        store.log(inc.id, f"PH-entry-{n}", kind=kind, starred=n == 1)
    amended = store.log(inc.id, "PH-amended")
    store.amend(inc.id, amended.id, "PH-amendment")
    retracted = store.log(inc.id, "PH-retracted")
    store.retract(inc.id, retracted.id, "PH-reason")
    store.log(inc.id, "PH-long")
    store.log(
        inc.id, "task", task={"text": "PH-task", "owner": "PH-owner", "due": None, "timer_s": 90}
    )
    store.record_update(inc.id, "PH-update", audience="internal")
    store.set_link(inc.id, "dashboard", "https://grafana.example.com/PH-url")
    store.set_link(inc.id, "ticket", "PH-ticket")
    done = store.declare("PH-resolved", 2, services=["PH-service"])
    store.log(done.id, "PH-resolution", kind="resolution")
    store.resolve(done.id, checked="all", early_reason="hostile corpus fixture")
    return {"open": inc.id, "resolved": done.id}


def _poison(store: Store) -> None:
    """Replace every placeholder in the stored rows by a corpus value (raw, JSON-escaped)."""
    values: dict[str, str] = {}

    def value_for(name: str) -> str:
        if name == "PH-long":
            return TEXT["long-line"]
        if name == "PH-role":  # a custom role whose label starts with `[/]`
            return TEXT["all-at-once"]
        if name not in values:
            values[name] = HOSTILE[len(values) % len(HOSTILE)] + f" ({name})"
        return values[name]

    placeholder = re.compile(r"PH-[a-z]+(?:-\d+)?")

    def poison(text: str) -> str:
        return placeholder.sub(lambda m: json.dumps(value_for(m.group()))[1:-1], text)

    db = store.db
    for table, key, column in (("events", "id", "payload"), ("incidents", "id", "state")):
        rows = db.query(f"SELECT {key}, {column} FROM {table}")
        db.write(
            lambda d, rows=rows, table=table, key=key, column=column: [
                d.execute(
                    f"UPDATE {table} SET {column} = :v WHERE {key} = :k",
                    {"v": poison(value), "k": k},
                )
                for k, value in rows
            ]
        )
    db.write(
        lambda d: d.execute(
            "UPDATE incidents SET title = :t WHERE id = 'INC-1'", {"t": TEXT["all-at-once"]}
        )
    )


def _hostile_policy(tmp: Path) -> Path:
    from irtui.paths import default_policy_file

    text = default_policy_file().read_text(encoding="utf-8")
    # YAML double quotes turn \e and \a into ESC and BEL: severity names with escapes in them
    text = text.replace("name: Critical", 'name: "[/] \\e]0;pwned\\a Critical [red]"', 1)
    path = tmp / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _hostile_runbooks(tmp: Path) -> Path:
    folder = tmp / "runbooks"
    folder.mkdir()
    (folder / "hostile.md").write_text(
        '---\ntitle: "Hostile \\e]0;pwned\\a [/] runbook"\nservices: [checkout]\n---\n'
        "# Database \x1b[2Jfailover [/foo]\n\nSee [evil](https://evil.example/) and x [/ y.\n\n"
        "1. Check \x1b]52;c;aGk=\x07 lag\n2. Promote \u202ereplica\n\n"
        "```sh\necho \x1b[31mred\n```\n",
        encoding="utf-8",
    )
    return folder


def rendered(app: Any) -> tuple[str, list[str]]:
    """The terminal bytes of a full repaint of the current screen, and what is wrong in them."""
    update = app.screen._compositor.render_update(full=True)
    sequence = update.render_segments(app.console)
    problems: list[str] = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            bad = forbidden_in(segment.text)
            if bad:
                problems.append(f"control characters {bad} in {segment.text[:60]!r}")
            link = segment.style.link if segment.style else None
            if link and "evil" in link:
                problems.append(f"hyperlink to {link!r}")
    for signature in SIGNATURES:
        if signature in sequence:
            problems.append(f"{signature!r} reached the terminal")
    if EVIL_LINK.search(sequence):
        problems.append("an OSC 8 hyperlink to the attacker reached the terminal")
    return sequence, problems


async def _board(app: Any, ids: dict[str, str], look: Any, keys: Any) -> None:
    await look("board")
    await keys("slash", *"x [/", "escape")
    await look("board search")


async def _incident(app: Any, ids: dict[str, str], look: Any, keys: Any) -> None:
    app.open(ids["open"])
    await look("incident")
    for _ in range(6):
        await keys("down")
    await look("incident, an entry's detail")
    await keys("end")
    await look("incident, the 100 KB entry")
    await keys("l", *"[/] x [/ y")
    await look("entry line with markup typed")


async def _composer_and_roles(app: Any, ids: dict[str, str], look: Any, keys: Any) -> None:
    app.open(ids["open"])
    await keys("u")
    await look("composer")
    await keys("escape", "r")
    if type(app.screen).__name__ == "StaffDialog":  # required roles empty: staffing first
        await look("staffing")
        await keys("ctrl+r")
    await look("roles and hand-off")
    app.screen.query_one("#role").focus()
    await keys("enter")
    await look("roles dropdown (custom role labels)")


async def _dialogs(app: Any, ids: dict[str, str], look: Any, keys: Any) -> None:
    app.open(ids["open"])
    await keys("t")
    await look("status dialog")
    await keys("escape", "s")
    await look("severity dialog (policy names)")
    app.screen.query_one("#sev").focus()
    await keys("enter")
    await look("severity dropdown (policy names)")


async def _declare(app: Any, ids: dict[str, str], look: Any, keys: Any) -> None:
    await keys("n")
    await look("declare dialog")
    title = app.screen.query("Input").first()
    title.focus()
    await keys(*"[/] x [/ y")
    await look("declare dialog with markup typed")
    title.insert_text_at_cursor(TEXT["all-at-once"].replace("\x00", ""))
    await look("declare dialog with a pasted escape")
    title.value = ""
    app.screen.query_one("#sev").focus()
    await keys("enter")
    await look("declare severity dropdown (policy names)")


async def _runbooks(app: Any, ids: dict[str, str], look: Any, keys: Any) -> None:
    await keys("b")
    await look("runbook browser")
    await keys(*"failover")
    await look("runbook search")
    await keys("enter")
    await look("runbook viewer")
    await keys("escape", "escape")
    app.open(ids["open"])
    await keys("p")
    await look("runbook pane")


async def _postmortem_and_help(app: Any, ids: dict[str, str], look: Any, keys: Any) -> None:
    await keys("question_mark")
    await look("help")
    await keys("escape")
    app.open(ids["resolved"])
    await keys("m")
    await look("postmortem")
    app.notify(TEXT["all-at-once"], markup=False)
    await look("a notification")


async def _details_staff_actions(app: Any, ids: dict[str, str], look: Any, keys: Any) -> None:
    """Issue 14's dialogs: details and links, copy a link, action items, snooze, staffing."""
    from irtui.store.actions_repo import ActionsRepo

    repo = ActionsRepo(app.store.db)
    item = repo.add(ids["open"], "placeholder", type="prevent", now=app.store.now(), owner="x")
    app.store.db.write(  # raw, as an older irtui or another tool could have left it
        lambda d: d.execute(
            "UPDATE action_items SET title = :t, owner = :o WHERE id = :k",
            {"t": TEXT["all-at-once"], "o": HOSTILE[0], "k": item.id},
        )
    )
    app.open(ids["open"])
    await look("incident header with links")
    for action, step in (
        ("details", "details dialog"),
        ("copy_link", "copy link dialog"),
        ("action_items", "action items dialog"),
        ("snooze", "snooze dialog"),
        ("roles", "staffing dialog"),
    ):
        await app.screen.run_action(action)
        await look(step)
        await keys("escape")
        await pilot_settle(app)


async def pilot_settle(app: Any) -> None:
    import asyncio

    await asyncio.sleep(0.05)


KNOWN_OPEN: dict[str, dict[str, str]] = {}
"""Findings of this driver in screens other helpers own, open when it was written (issue 13:
"note it for the owner"). Strict: a step listed here that is now clean fails the test, so the
entry is removed the day the sink is fixed; every other step must be clean already."""


SCREENS = {
    "board": _board,
    "incident": _incident,
    "composer-roles": _composer_and_roles,
    "dialogs": _dialogs,
    "declare": _declare,
    "runbooks": _runbooks,
    "postmortem-help": _postmortem_and_help,
    "details-staff-actions": _details_staff_actions,
}
CASES = [(name, (160, 48)) for name in SCREENS] + [
    ("board", (80, 24)),
    ("incident", (80, 24)),
    ("details-staff-actions", (80, 24)),
]


@pytest.mark.parametrize("name, size", CASES, ids=[f"{n}-{w}x{h}" for n, (w, h) in CASES])
async def test_the_corpus_through_every_screen(
    tmp_path: Path, name: str, size: tuple[int, int]
) -> None:
    from tests.conftest import T0

    clock = ManualClock(T0)
    policy = load_policy(_hostile_policy(tmp_path))
    store = Store.open(tmp_path / "s.db", clock=clock, author="alice", policy=policy)
    ids = _seed(store)
    _poison(store)
    app = make_app(store, clock)
    app.runbook_dirs = [str(_hostile_runbooks(tmp_path))]
    problems: list[str] = []
    steps: list[str] = []

    async def look(step: str) -> None:
        await pilot.pause()
        steps.append(step)
        _, found = rendered(app)
        problems.extend(f"{step}: {p}" for p in dict.fromkeys(found))

    async def keys(*names: str) -> None:
        for key in names:
            await pilot.press(key)
            await pilot.pause()

    try:
        async with app.run_test(size=size) as pilot:
            await SCREENS[name](app, ids, look, keys)
    except Exception as exc:  # a crash on any screen is a finding, with where it happened
        problems.append(f"crashed after {steps[-1:]}: {type(exc).__name__}: {exc}"[:500])
    finally:
        store.close()
    assert steps, "no screen was reached"
    known = KNOWN_OPEN.get(name, {})
    unexpected = [p for p in problems if not any(k in p for k in known)]
    assert not unexpected, "\n".join(unexpected[:30])

    def could_see(key: str) -> bool:  # a crash entry is fixed once the next step is reached
        if key.startswith("crashed after ['"):
            after = key.removeprefix("crashed after ['").removesuffix("']")
            return after in steps and steps.index(after) + 1 < len(steps)
        return any(step.startswith(key.rstrip(":")) for step in steps)

    fixed = [k for k in known if could_see(k) and not any(k in p for p in problems)]
    assert not fixed, f"fixed, remove from KNOWN_OPEN in {Path(__file__).name}: {fixed}"
