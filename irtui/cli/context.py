"""What every CLI command gets: parsed global options, a lazily opened store, output helpers.

Command modules (`irtui/cli/*_cmd.py`) register argparse sub-commands and a handler
`run(args, ctx) -> int`. They raise `UsageError` (exit 2) for bad input; the domain's
`DomainError`, `PolicyError` and `NotFound` are mapped to exit 2 by `main`, anything else to 1.
Heavy imports (Textual, httpx, SQLAlchemy) happen inside handlers, never at module import:
`irtui log` must stay fast.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from irtui.domain.timeutil import Clock, default_clock


class UsageError(ValueError):
    """Bad input on the command line: printed on stderr, exit code 2."""


@dataclass
class CliContext:
    args: argparse.Namespace
    clock: Clock = field(default_factory=default_clock)
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _store: Any = None
    _policy: Any = None

    def __post_init__(self) -> None:
        # The one boundary out for the command line: whatever a command prints (titles,
        # entries, runbook text, server error bodies) cannot drive the terminal.
        from irtui.boundary.text_out import terminal_writer

        self.out = terminal_writer(self.out)
        self.err = terminal_writer(self.err)

    @property
    def author(self) -> str:
        from irtui.store.repo import default_author

        return (getattr(self.args, "as_", None) or "").strip() or default_author()

    def policy(self) -> Any:
        """The severity policy: --policy, $IRTUI_POLICY, user config, else bundled."""
        if self._policy is None:
            from irtui.domain.policy import load_policy, resolve_policy_path

            self._policy = load_policy(resolve_policy_path(getattr(self.args, "policy", None)))
        return self._policy

    def store(self) -> Any:
        """The store named by --db / $IRTUI_DB / the platform default, opened once."""
        if self._store is None:
            from irtui.store import schema
            from irtui.store.repo import Store

            def tell(message: str) -> None:
                self.err.write(f"irtui: {message}\n")
                self.err.flush()

            schema.UPGRADE_NOTICE[:] = [tell]
            self._store = Store.open(
                getattr(self.args, "db", None),
                policy=self.policy,
                clock=self.clock,
                author=self.author,
            )
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def flush(self) -> None:
        """What was printed goes out now: a command that runs until Ctrl-C (`irtui sync`,
        `irtui drill run`) says each step as it happens, into a pipe or a log too."""
        flush = getattr(self.out, "flush", None)
        if flush is not None:
            flush()

    def print_json(self, data: Any) -> None:
        from irtui.boundary.text_out import json_dumps

        self.out.write(json_dumps(data, indent=2) + "\n")
