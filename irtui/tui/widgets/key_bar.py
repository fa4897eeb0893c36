"""A one-line key bar built from the action registry.

Textual's `Footer` mounts a widget per binding and recomposes whenever focus or bindings
change (about 100 ms of the board's first paint here); the war room's keys are fixed, so one
`Static` rendering the registry's footer actions for a scope does the same job for free. On a
narrow terminal the screen's own keys are cut, never `? Help` and `^p palette` at the right.

The incident screen has two faces (`irtui.tui.keys`): while typing, the bar says how to get
to a command (`esc` then a key) and what works while typing; with a command armed it lists
the command keys.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Static

from irtui.tui.actions import commands, display_key, for_scope

ALWAYS = ("help",)
TYPING_KEYS = (
    ("esc", "command"),
    ("esc esc", "board"),
    ("enter", "commit"),
    ("↑↓", "select entry"),
    ("tab", "panes"),
    ("^o", "kind"),
)


def _key(key: str, title: str) -> Text:
    return Text.assemble((f" {key} ", "bold reverse"), f" {title} ")


def _fit(parts: list[Text], tail: Text, width: int) -> Text:
    head = Text()
    for part in parts:
        if head.cell_len + part.cell_len + tail.cell_len > width:
            break
        head.append_text(part)
    pad = max(width - head.cell_len - tail.cell_len, 0) if width < 1000 else 1
    return Text.assemble(head, " " * pad, tail, no_wrap=True, overflow="crop")


def key_text(scope: str, width: int = 1000, *, mode: str = "") -> Text:
    """The bar for `scope`; `mode` is "typing" or "command" on a typing screen."""
    if mode == "typing":
        return _fit(
            [_key(k, t) for k, t in TYPING_KEYS],
            Text.assemble(_key("esc ?", "help"), _key("^p", "palette")),
            width,
        )
    if mode == "command":
        acts = [a for a in commands(scope) if a.footer and a.action not in ALWAYS]
        return _fit(
            [_key(display_key(a), a.title) for a in acts],
            Text.assemble(_key("?", "help"), _key("esc", "board")),
            width,
        )
    actions = [
        a for a in for_scope(scope) + for_scope("app") if a.footer and a.action not in ALWAYS
    ]
    tail = Text.assemble(
        *[_key(display_key(a), a.title) for a in for_scope("app") if a.action in ALWAYS],
        _key("^p", "palette"),
    )
    return _fit([_key(display_key(a), a.title) for a in actions], tail, width)


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, scope: str, mode: str = "", **kwargs: object) -> None:
        super().__init__(key_text(scope, mode=mode), **kwargs)  # type: ignore[arg-type]
        self.scope = scope
        self.mode = mode
        self._width = 0

    def set_mode(self, mode: str) -> None:
        if mode != self.mode:
            self.mode = mode
            self.update(key_text(self.scope, self._width or 1000, mode=mode), layout=False)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.update(key_text(self.scope, event.size.width, mode=self.mode), layout=False)
