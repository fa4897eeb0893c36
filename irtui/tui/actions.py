"""The one action registry: key bindings, the key bar, the command palette and the help screen
all read it.

A new action is added here once; `bindings(scope)` feeds a screen's `BINDINGS`, the app's
`get_system_commands` turns the same rows into palette entries, `KeyBar` and `HelpScreen`
list them. The default keys are contractual (other tools script against them): change them
only with a changelog entry.

Where a key works (the keyboard model, `irtui.tui.keys`):
- `app` and `board` keys are single keys on the board (it has no text but its `/` filter);
- on the incident screen, where the scribe types, printable keys are text: `incident` and
  `app` letter keys are *commands*, run by `Esc` then the key (or Alt+key), one at a time;
- ctrl chords (`ctrl+o`, `ctrl+p`, `ctrl+t`, `ctrl+q`) work everywhere, typing or not: they
  are ones terminals and tmux pass through and Textual's `Input` does not use.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Action:
    key: str
    action: str
    title: str
    help: str
    scope: str  # "app", "board", "incident", "runbook" (the viewer), "drill_facilitator", ...
    footer: bool = True
    key_display: str | None = None


ACTIONS: tuple[Action, ...] = (
    # app-wide
    Action("n", "declare", "Declare", "Open the declare dialog (scope × impact helper)", "app"),
    Action(
        "question_mark",
        "help",
        "Help",
        "Keys, entry-line grammar and what the colours mean",
        "app",
        key_display="?",
    ),
    Action(
        "q",
        "quit",
        "Quit",
        "Leave irtui (asks first; lists any typed text that is not saved yet)",
        "app",
    ),
    Action("b", "runbooks", "Runbooks", "Browse runbooks (for the open incident if any)", "app"),
    Action(
        "g",
        "goto",
        "Go to",
        "Open any incident by id: resolved and closed ones too (the board lists open ones)",
        "app",
        footer=False,
    ),
    Action(
        "ctrl+t",
        "toggle_theme",
        "Light/dark",
        "Toggle the light and dark theme",
        "app",
        footer=False,
    ),
    # board
    Action("enter", "open", "Open", "Open the highlighted incident", "board"),
    Action("a", "ack", "Ack", "Acknowledge the highlighted incident", "board"),
    Action("s", "severity", "Severity", "Change severity (with a reason)", "board"),
    Action("t", "status", "Status", "Change status", "board"),
    Action(
        "R",
        "resolve",
        "Resolve",
        "Resolve the highlighted incident",
        "board",
        footer=False,
        key_display="R",
    ),
    Action("u", "compose", "Update", "Write a status update for the highlighted incident", "board"),
    Action(
        "r",
        "roles",
        "Roles",
        "Roles and hand-off of the highlighted incident",
        "board",
        footer=False,
    ),
    Action(
        "slash",
        "search",
        "Search",
        "Filter incidents by id, title, IC, service",
        "board",
        key_display="/",
    ),
    Action(
        "h",
        "toggle_resolved",
        "Resolved",
        "Show/hide the incidents resolved in the last 7 days (below the open ones)",
        "board",
        footer=False,
    ),
    # incident (letters: commands after Esc, or with Alt)
    Action(
        "escape",
        "command_mode",
        "Command",
        "Arm one command: the next key runs it, then typing resumes (Esc again: the board)",
        "incident",
        key_display="esc",
    ),
    Action(
        "l",
        "entry_line",
        "Entry",
        "Focus the timeline entry line",
        "incident",
        footer=False,
    ),
    Action("u", "compose", "Update", "Status-update composer", "incident"),
    Action("a", "ack", "Ack", "Acknowledge", "incident"),
    Action("s", "severity", "Severity", "Change severity (with a reason)", "incident"),
    Action("t", "status", "Status", "Change status", "incident"),
    Action(
        "R", "resolve", "Resolve", "Resolve the incident", "incident", footer=False, key_display="R"
    ),
    Action("r", "roles", "Roles", "Roles and hand-off brief", "incident"),
    Action(
        "d", "decision", "Decision", "Record a decision: proposal, objections, the call", "incident"
    ),
    Action(
        "e",
        "edit_entry",
        "Edit",
        "Amend the selected entry (kept as history)",
        "incident",
        footer=False,
    ),
    Action(
        "x",
        "retract_entry",
        "Retract",
        "Retract the selected entry (with a reason)",
        "incident",
        footer=False,
    ),
    Action(
        "i",
        "details",
        "Details",
        "Edit the title, services, impact and links (dashboard, bridge, channel, ticket)",
        "incident",
        footer=False,
    ),
    Action(
        "y",
        "copy_link",
        "Copy link",
        "Copy one of the incident's links to the clipboard",
        "incident",
        footer=False,
    ),
    Action(
        "A",
        "action_items",
        "Action items",
        "Add, close (done / won't do) and reopen the incident's follow-up action items",
        "incident",
        footer=False,
        key_display="A",
    ),
    Action(
        "S",
        "snooze",
        "Snooze",
        "Snooze the ack or an update reminder until a later time (with a reason)",
        "incident",
        footer=False,
        key_display="S",
    ),
    Action(
        "w",
        "toggle_compact",
        "Compact",
        "Timeline: one line per entry, or every entry wrapped in full",
        "incident",
        footer=False,
    ),
    Action(
        "M",
        "mitigated",
        "Mitigated",
        "Mark the impact mitigated (its own milestone: time to mitigate)",
        "incident",
        footer=False,
        key_display="M",
    ),
    Action(
        "T",
        "times",
        "Times",
        "Set when impact started and when it was detected (recorded on the timeline)",
        "incident",
        footer=False,
        key_display="T",
    ),
    Action(
        "k",
        "task_done",
        "Task done",
        "Mark the task highlighted in the tasks panel done (z undoes)",
        "incident",
    ),
    Action(
        "z",
        "undo",
        "Undo",
        "Undo the last task you marked done (reopens it, as an event)",
        "incident",
        footer=False,
    ),
    Action(
        "escape",
        "back",
        "Board",
        "Esc Esc: back to the board (typed text stays with the incident)",
        "incident",
        footer=False,
        key_display="esc esc",
    ),
    Action(
        "p",
        "runbook_pane",
        "Runbook pane",
        "Show/hide the runbook beside the timeline",
        "incident",
        footer=False,
    ),
    Action(
        "m",
        "postmortem",
        "Postmortem",
        "Open the postmortem for this incident",
        "incident",
        footer=False,
    ),
    Action(
        "slash",
        "search",
        "Search",
        "Filter the timeline",
        "incident",
        footer=False,
        key_display="/",
    ),
    Action(
        "ctrl+o",
        "cycle_kind",
        "Entry kind",
        "Cycle the entry line's default kind",
        "incident",
        footer=False,
        key_display="^o",
    ),
    # the runbook viewer (bound on the viewer, so they act only while reading a runbook,
    # never while typing in the browser's search box)
    Action("t", "toggle_toc", "Contents", "Show/hide the runbook's contents", "runbook"),
    Action("n", "next_code", "Next code", "Select the next code block", "runbook"),
    Action(
        "N",
        "previous_code",
        "Prev code",
        "Select the previous code block",
        "runbook",
        footer=False,
    ),
    Action("c", "copy_code", "Copy code", "Copy the selected code block, exactly", "runbook"),
    Action("l", "next_link", "Next link", "Select the next link or fold", "runbook"),
    Action(
        "L",
        "previous_link",
        "Prev link",
        "Select the previous link or fold",
        "runbook",
        footer=False,
    ),
    Action(
        "enter",
        "activate",
        "Follow",
        "Follow the selected link, or open/close a fold",
        "runbook",
    ),
    Action(
        "right_square_bracket",
        "next_heading",
        "Next heading",
        "Jump to the next heading",
        "runbook",
        footer=False,
        key_display="]",
    ),
    Action(
        "left_square_bracket",
        "previous_heading",
        "Prev heading",
        "Jump to the previous heading",
        "runbook",
        footer=False,
        key_display="[",
    ),
    Action(
        "backspace",
        "back",
        "Back",
        "Back to the runbook a link came from",
        "runbook",
        footer=False,
    ),
    Action(
        "exclamation_mark",
        "show_problems",
        "Problems",
        "List what is wrong with this file (front matter, encoding)",
        "runbook",
        footer=False,
        key_display="!",
    ),
    # the drill facilitator's seat (irtui drill facilitate): no free-text field on that screen
    # (the improvise dialog is the one place text is typed), so single letters are safe.
    Action(
        "f",
        "fire",
        "Fire",
        "Play the selected inject now (a clue they asked for)",
        "drill_facilitator",
    ),
    Action("s", "skip", "Skip", "Pass over the selected inject (recorded)", "drill_facilitator"),
    Action(
        "i",
        "improvise",
        "Improvise",
        "Play an inject the script does not have",
        "drill_facilitator",
    ),
    Action(
        "space",
        "toggle_pause",
        "Pause/resume",
        "Pause or resume the drill clock",
        "drill_facilitator",
        key_display="space",
    ),
    Action(
        "plus",
        "faster",
        "Faster",
        "Double the drill clock's speed",
        "drill_facilitator",
        key_display="+",
    ),
    Action(
        "minus",
        "slower",
        "Slower",
        "Halve the drill clock's speed",
        "drill_facilitator",
        key_display="-",
    ),
    Action(
        "o",
        "open_incident",
        "Players' view",
        "Open the drill incident as the players see it",
        "drill_facilitator",
    ),
    Action(
        "D",
        "debrief",
        "Debrief",
        "The scored debrief of this drill",
        "drill_facilitator",
        key_display="D",
    ),
    Action(
        "E",
        "end_drill",
        "End drill",
        "End the drill (resolves its incident; asks first)",
        "drill_facilitator",
        footer=False,
        key_display="E",
    ),
    # the drill debrief
    Action(
        "a",
        "file_action",
        "Action item",
        "File the selected finding as an action item",
        "drill_debrief",
    ),
    Action(
        "r",
        "refresh",
        "Refresh",
        "Score the drill again (it may still be running)",
        "drill_debrief",
    ),
    Action(
        "escape",
        "back",
        "Back",
        "Back to the facilitator's seat",
        "drill_debrief",
        key_display="esc",
    ),
    # on call (irtui/oncall): ctrl/F-keys, never a printable letter typed on the incident
    Action(
        "ctrl+g",
        "page",
        "Page",
        "Page someone: who is on call, escalate, acknowledge (the on-call panel shows clocks)",
        "incident",
        key_display="^g",
    ),
    Action(
        "f9",
        "oncall_handoff",
        "On-call hand-off",
        "The brief for the incoming on-call of a team",
        "incident",
        footer=False,
        key_display="F9",
    ),
    Action(
        "ctrl+g",
        "page",
        "Page",
        "Page someone for the highlighted incident",
        "board",
        footer=False,
        key_display="^g",
    ),
    Action(
        "f9",
        "oncall_handoff",
        "On-call hand-off",
        "The brief for the incoming on-call of a team",
        "board",
        footer=False,
        key_display="F9",
    ),
)


def for_scope(scope: str) -> list[Action]:
    return [a for a in ACTIONS if a.scope == scope]


def is_chord(action: Action) -> bool:
    """A ctrl chord: works while typing (never a printable key)."""
    return action.key.startswith("ctrl+")


def commands(scope: str) -> list[Action]:
    """What `Esc` then a key runs on a typing screen: the scope's and the app's keys that
    are not chords (chords work directly), `escape` itself excluded."""
    return [a for a in for_scope(scope) + for_scope("app") if not is_chord(a) and a.key != "escape"]


def bindings(scope: str) -> list[Binding]:
    """Textual bindings for one scope, built from the registry (one per key: the second
    `escape` row documents `Esc Esc`, which the incident screen handles itself)."""
    seen: set[str] = set()
    out = []
    for a in for_scope(scope):
        if a.key in seen:
            continue
        seen.add(a.key)
        out.append(
            Binding(
                a.key,
                a.action,
                a.title,
                show=a.footer,
                key_display=a.key_display,
                priority=is_chord(a),
            )
        )
    return out


def display_key(action: Action) -> str:
    return action.key_display or action.key


SYNONYMS: dict[str, tuple[str, ...]] = {
    # the words people type into the command palette for an action (matched with its title)
    "declare": ("new incident", "open incident", "start incident", "raise", "create"),
    "help": ("keys", "shortcuts", "grammar", "colours", "colors"),
    "quit": ("exit", "leave", "close irtui"),
    "runbooks": ("playbook", "procedure", "docs", "how to"),
    "goto": ("open incident", "jump", "find incident", "incident by id"),
    "toggle_theme": ("theme", "dark", "light", "colours"),
    "ack": ("acknowledge", "acknowledgement", "take it"),
    "severity": ("sev", "priority", "escalate severity", "downgrade", "upgrade"),
    "status": ("mitigating", "mitigated", "identified", "monitoring", "state"),
    "resolve": ("close incident", "fixed", "done", "all clear"),
    "compose": ("post update", "status update", "status page", "statuspage", "announce", "exec"),
    "roles": (
        "hand off",
        "handoff",
        "hand-off",
        "assign",
        "commander",
        "incident commander",
        "tech lead",
        "comms lead",
        "scribe",
        "take over",
    ),
    "decision": ("decide", "the call", "proposal", "objections"),
    "edit_entry": ("amend", "fix entry", "correct"),
    "retract_entry": ("delete entry", "remove entry", "strike"),
    "task_done": ("todo done", "complete task", "finish task", "tick"),
    "undo": ("reopen task", "undo done"),
    "page": ("pager", "pagerduty", "on call", "oncall", "call someone", "escalate", "wake"),
    "oncall_handoff": ("shift", "on call hand off", "rota", "incoming on call"),
    "mitigated": ("mitigat", "mitigation", "impact over", "stopped bleeding"),
    "times": ("milestone", "milestones", "started", "detected", "backdate", "correct times"),
    "details": ("edit title", "title", "impact", "services", "links", "rename"),
    "copy_link": ("link", "dashboard", "bridge", "channel", "ticket", "url", "clipboard"),
    "action_items": ("action item", "follow up", "follow-up", "postmortem action", "prevent"),
    "snooze": ("remind later", "postpone", "delay reminder", "quiet clock"),
    "toggle_compact": ("wrap", "one line", "dense", "expand entries"),
    "toggle_resolved": ("recently resolved", "closed incidents", "history"),
    "search": ("filter", "find"),
    "runbook_pane": ("runbook beside", "side by side"),
    "postmortem": ("review", "retro", "retrospective", "post-mortem", "pir"),
    "cycle_kind": ("entry kind", "note kind"),
    "entry_line": ("type", "log", "scribe"),
}
