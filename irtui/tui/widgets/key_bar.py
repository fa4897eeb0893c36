"""A one-line key bar built from the action registry.

Textual's `Footer` mounts a widget per binding and recomposes whenever focus or bindings
change (about 100 ms of the board's first paint here); the war room's keys are fixed, so one
`Static` rendering the registry's footer actions for a scope does the same job for free. On a
narrow terminal the screen's own keys are cut, never `? Help` and `^p palette` at the right.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Static

from irtui.tui.actions import display_key, for_scope

ALWAYS = ("help",)


def _key(key: str, title: str) -> Text:
    return Text.assemble((f" {key} ", "bold reverse"), f" {title} ")


def key_text(scope: str, width: int = 1000) -> Text:
    actions = [
        a for a in for_scope(scope) + for_scope("app") if a.footer and a.action not in ALWAYS
    ]
    tail = Text.assemble(
        *[_key(display_key(a), a.title) for a in for_scope("app") if a.action in ALWAYS],
        _key("^p", "palette"),
    )
    head = Text()
    for action in actions:
        part = _key(display_key(action), action.title)
        if head.cell_len + part.cell_len + tail.cell_len > width:
            break
        head.append_text(part)
    pad = max(width - head.cell_len - tail.cell_len, 0) if width < 1000 else 1
    return Text.assemble(head, " " * pad, tail, no_wrap=True, overflow="crop")


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, scope: str, **kwargs: object) -> None:
        super().__init__(key_text(scope), **kwargs)  # type: ignore[arg-type]
        self.scope = scope
        self._width = 0

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.update(key_text(self.scope, event.size.width), layout=False)
