"""Turning user text and domain values into Rich `Text` that is never parsed as markup.

Every title, entry, name and reason typed by a person goes through `literal()`: Rich `Text`
is plain by construction (no `[bold]` parsing), and control characters — ANSI escapes above
all — are replaced by visible symbols so a pasted terminal escape cannot repaint the screen.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from rich.style import Style
from rich.text import Text

from irtui.boundary.text_out import hyperlink_target
from irtui.domain.clocks import ClockState, ClockView
from irtui.domain.timeutil import fmt_duration

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Controls, bidi overrides/isolates and lone surrogates (invalid UTF-8 from an old store):
none may reach the terminal as they are."""
_CONTROL_NAMES = {"\x1b": "␛", "\t": " ", "\r": "␍"}


def clean(value: object, *, single_line: bool = True, limit: int | None = None) -> str:
    """Plain text safe for a terminal cell: controls made visible, newlines folded."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub(lambda m: _CONTROL_NAMES.get(m.group(), "�"), text)
    if single_line:
        text = text.replace("\n", " ⏎ ")
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def literal(
    value: object, style: str = "", *, single_line: bool = True, limit: int | None = None
) -> Text:
    """A `Text` that shows exactly what the user typed (never markup)."""
    return Text(
        clean(value, single_line=single_line, limit=limit),
        style=style,
        no_wrap=single_line,
        overflow="ellipsis" if single_line else "fold",
    )


SEV_STYLES: dict[int, str] = {
    1: "bold white on #b00020",
    2: "bold black on #ff8c00",
    3: "bold black on #e6c200",
    4: "bold white on #4a6fa5",
}


def severity(sev: int) -> Text:
    return Text(f" SEV{sev} ", style=SEV_STYLES.get(sev, "bold reverse"))


CLOCK_STYLES: dict[ClockState, str] = {
    ClockState.OK: "",
    ClockState.WARNING: "bold #ffb000",
    ClockState.OVERDUE: "bold white on #b00020",
    ClockState.DONE: "green",
    ClockState.NONE: "dim",
}


SECONDS_WITHIN = timedelta(minutes=15)
"""On the board a countdown shows seconds in its last 15 minutes (all of a SEV1 ack window,
the amber zone, the moment it turns red) and whole minutes further out, as it already does
past an hour: the seconds that matter keep moving, and a board of fifty open incidents does
not redraw a dozen rows every second for clocks that are half an hour away."""


def clock_text(view: ClockView, *, compact: bool = False) -> str:
    text = view.text
    if (
        compact
        and view.state in (ClockState.OK, ClockState.WARNING)
        and view.remaining is not None
        and SECONDS_WITHIN <= view.remaining < timedelta(hours=1)
    ):
        return f"{int(view.remaining.total_seconds()) // 60}m"
    if compact and view.state is ClockState.OVERDUE and view.remaining is not None:
        late = -view.remaining
        # Past five minutes late the red cell says enough: minutes, so a board full of
        # overdue clocks does not redraw every second.
        text = (
            f"-{int(late.total_seconds()) // 60}m!"
            if timedelta(minutes=5) < late < timedelta(hours=1)
            else text.replace(" OVERDUE", "!")
        )
    return text


def clock(view: ClockView, *, compact: bool = False) -> Text:
    """The countdown cell: amber when close, red when overdue (compact: `-3m05s!`)."""
    return Text(clock_text(view, compact=compact), style=CLOCK_STYLES[view.state], no_wrap=True)


STATUS_STYLES: dict[str, str] = {
    "investigating": "bold #ff6b6b",
    "identified": "bold #ffb000",
    "mitigating": "bold #ffb000",
    "monitoring": "bold #4fc3f7",
    "resolved": "bold green",
    "closed": "dim",
}


def status(value: str, short: dict[str, str] | None = None) -> Text:
    shown = short.get(value, value) if short else value
    return Text(shown, style=STATUS_STYLES.get(value, ""), no_wrap=True)


# Single-width symbols (no emoji): they align in every terminal and font.
KIND_ICONS: dict[str, str] = {
    "detection": "◉",
    "action": "▸",
    "decision": "◆",
    "communication": "✉",
    "escalation": "▲",
    "resolution": "✔",
    "note": "·",
}


KIND_STYLES: dict[str, str] = {
    "detection": "#ff6b6b",
    "decision": "bold #c792ea",
    "escalation": "#ffb000",
    "resolution": "green",
    "communication": "#4fc3f7",
}
"""The icon's colour on the timeline: the kinds a reader scans for stand out."""


def kind_icon(kind: str) -> str:
    return KIND_ICONS.get(kind, "•")


def local_utc(value: datetime, *, short: bool = False) -> str:
    """`14:02:07 · 13:02Z`: the room's wall clock beside UTC (short: `14:02 13:02Z`)."""
    local = value.astimezone()
    utc = value.astimezone(UTC).strftime("%H:%MZ")
    if short:
        return f"{local.strftime('%H:%M')} {utc}"
    return f"{local.strftime('%H:%M:%S')} · {utc}"


_DATES: dict[tuple[int, tuple[str, str]], str] = {}


def local_date(value: datetime) -> str:
    """`Sun 2026-11-22` in local time. Cached per UTC quarter hour (every zone's offset is a
    multiple of 15 minutes, so the local date cannot change inside one): a 5,000-entry
    timeline asks 5,000 times."""
    key = (int(value.timestamp()) // 900, time.tzname)  # a changed TZ is another cache
    found = _DATES.get(key)
    if found is None:
        if len(_DATES) > 4096:
            _DATES.clear()
        found = _DATES[key] = value.astimezone().strftime("%a %Y-%m-%d")
    return found


def link(label: object, url: object, style: str = "") -> Text:
    """`label` as a terminal hyperlink (OSC 8) to `url` when that is an http(s) address
    (`boundary.text_out.hyperlink_target`), else plain text: a channel name or a ticket key
    is shown, never handed to the terminal as a link target."""
    target = hyperlink_target(url)
    text = literal(label, style)
    if target is not None:
        text.stylize(Style(link=target, underline=True))
    return text


def signature(text: Text) -> str:
    """What a cell looks like (text and colours): redraw only when this changes."""
    return f"{text.plain}|{text.style}|{text.spans!r}"


def age(delta: timedelta) -> str:
    """Minute resolution (`27m`, `1h04m`, `2d03h`): an age that changes once a minute keeps
    the board from redrawing every row every second."""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 3600:
        return f"{seconds // 60}m"
    return fmt_duration(seconds)
