"""The TUI's last line of defence for text going out: no control character reaches the
terminal, whatever widget drew it.

Every screen already shows user text through `irtui.tui.text` (controls made visible as ␛ and
�) and the store cleans text coming in (`irtui.boundary.text_in`); but a runbook file on disk,
a store written by an older irtui, an HTTP error body or a widget a future change adds could
still carry ESC, BEL or an 8-bit CSI. A Textual *line filter* sees every line of every widget
just before it is written, so this one filter closes that whole class of bugs (OSC 0 retitling
the terminal, OSC 52 writing the clipboard, OSC 8 links, CSI 2J wiping the screen) at once.
Control characters are zero cells wide, so removing them keeps every line's layout; Textual's
own escape sequences travel as styles and control segments, which are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from irtui.lazy import lazy_pattern

_UNSAFE = lazy_pattern("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class NoControlCharacters(LineFilter):
    """Drops C0/C1 controls, DEL and bidi overrides from the text of every segment, after
    the filters Textual applies itself (`before`: its ANSI-to-truecolor one by default).

    One filter for all of them, because Textual builds a new `Strip` (with eight caches of
    its own) for every line each filter touches: two filters were a fifth of drawing the board's
    first frame. `App.get_line_filters` keeps one instance per set of Textual filters, so
    each line's filtered strip stays cached."""

    def __init__(self, before: Sequence[LineFilter] = ()) -> None:
        super().__init__()
        self.before = tuple(before)

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        for earlier in self.before:
            segments = earlier.apply(segments, background)
        # Fast path (nearly every line): one C-level check over the line's text. Everything
        # removed below is non-printable, so a printable line needs no further look.
        if "".join([text for text, _style, control in segments if not control]).isprintable():
            return segments
        search = _UNSAFE.search
        if not any(search(text) for text, _style, control in segments if not control):
            return segments
        return [
            Segment(_UNSAFE.sub("", text), style, control)
            if not control and search(text)
            else Segment(text, style, control)
            for text, style, control in segments
        ]
