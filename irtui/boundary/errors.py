"""Errors raised at the boundary: the user can fix them by changing what they typed or
pointed at, so the CLI maps them to exit 2 and the TUI shows them as a refusal."""

from __future__ import annotations


class BoundaryError(ValueError):
    """Input refused at the boundary (shown to the user as is)."""


class TextRefused(BoundaryError):
    """Text that cannot be accepted even after neutralising it (too long, empty)."""


class YamlError(BoundaryError):
    """A YAML file irtui cannot accept: `source:line: message`."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")
