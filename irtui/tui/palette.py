"""The command palette (`ctrl+p`): every action of the registry (`irtui.tui.actions`), found
by its title or by the words people use for it ("hand off" finds Roles, "page" finds Page,
"mitigat" finds Mitigated and Status), each listed once.

Textual's own system-commands provider matches titles only (so "hand off" found nothing) and
adds its own Quit beside irtui's (two Quits); this provider replaces it, keeping Textual's
other built-ins (theme, keys panel, maximize) as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from irtui.tui.actions import SYNONYMS, for_scope

SUBSTRING = 1.0
"""A query found inside a title or synonym outranks any fuzzy (subsequence) match."""
FUZZY_WEIGHT = 0.6
HELP_WEIGHT = 0.3


@dataclass(frozen=True, slots=True)
class Entry:
    title: str
    help: str
    callback: Callable[[], Any]
    words: tuple[str, ...] = ()


def entries(app: Any, screen: Any) -> list[Entry]:
    """The app's and the current screen's registry actions, then Textual's built-ins that
    irtui does not have itself (its Quit is irtui's, asked first)."""
    scope = getattr(screen, "SCOPE", None)
    out: list[Entry] = []
    titles: set[str] = set()
    for action in for_scope("app") + (for_scope(scope) if scope else []):
        if action.action == "command_mode" or action.title in titles:
            continue  # `Esc` is a key, not a command; `Esc Esc` (board) shares the title
        titles.add(action.title)
        target = app if action.scope == "app" else screen
        key = action.key_display or action.key
        out.append(
            Entry(
                action.title,
                f"{action.help}  (key: {key})",
                partial(target.run_action, action.action),
                SYNONYMS.get(action.action, ()),
            )
        )
    for title, help_text, callback, *_ in textual_builtins(app, screen):
        if title not in titles:
            titles.add(title)
            out.append(Entry(title, help_text, callback))
    return out


def textual_builtins(app: Any, screen: Any) -> Iterable[Any]:
    from textual.app import App

    yield from App.get_system_commands(app, screen)


def score(query: str, entry: Entry, fuzzy: Callable[[str], float] | None = None) -> float:
    """How well `query` names `entry`: inside the title or a synonym (a prefix best), else a
    fuzzy match of the title or a synonym, else words of the help text."""
    q = " ".join(query.lower().split())
    if not q:
        return 0.0
    best = 0.0
    for name in (entry.title, *entry.words):
        n = name.lower()
        if n.startswith(q):
            best = max(best, SUBSTRING + 0.2 + (0.1 if name == entry.title else 0.0))
        elif q in n:
            best = max(best, SUBSTRING + (0.05 if name == entry.title else 0.0))
        elif fuzzy is not None:
            best = max(best, FUZZY_WEIGHT * fuzzy(name))
    if best == 0.0 and q in entry.help.lower():
        best = HELP_WEIGHT
    return best


def ranked(
    query: str, found: list[Entry], fuzzy: Callable[[str], float] | None = None
) -> list[Entry]:
    """The entries that match `query`, best first (pure: tested without a terminal)."""
    scored = [(score(query, e, fuzzy), i, e) for i, e in enumerate(found)]
    return [e for s, _i, e in sorted((x for x in scored if x[0] > 0), key=lambda x: (-x[0], x[1]))]


class IrtuiCommands(Provider):
    async def discover(self) -> Hits:
        for entry in sorted(entries(self.app, self.screen), key=lambda e: e.title):
            yield DiscoveryHit(entry.title, entry.callback, help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        found = entries(self.app, self.screen)
        for entry in found:
            value = score(query, entry, matcher.match)
            if value > 0:
                yield Hit(
                    min(value / (SUBSTRING + 0.3), 1.0),
                    matcher.highlight(entry.title),
                    entry.callback,
                    text=entry.title,
                    help=entry.help,
                )
