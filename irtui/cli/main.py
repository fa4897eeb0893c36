"""`irtui` entry point: global options, sub-command plug-ins, exit codes, no tracebacks.

Exit codes: 0 ok, 2 bad input (what is wrong goes to stderr), 1 anything else.
`irtui` with no sub-command opens the war-room TUI.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import re
import sys
from collections.abc import Sequence
from typing import Any

from irtui import __version__
from irtui.cli.context import CliContext, UsageError

COMMAND_MODULES: tuple[str, ...] = (
    "irtui.cli.core_cmds",
    "irtui.cli.tui_cmd",
    "irtui.cli.runbooks_cmd",
    "irtui.cli.sync_cmd",
    "irtui.cli.review_cmd",
    "irtui.cli.oncall_cmd",
    "irtui.cli.drill_cmd",
    "irtui.cli.help_cmd",
    "irtui.cli.task_cmd",
    "irtui.cli.details_cmd",
)
"""Each module has `register(subparsers, parents)`; handlers are `run(args, ctx) -> int`."""

COMMANDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "declare",
            "ack",
            "sev",
            "status",
            "role",
            "handoff",
            "accept",
            "confirm",
            "withdraw",
            "mitigated",
            "reopen",
            "log",
            "amend",
            "retract",
            "update",
            "snooze",
            "milestone",
            "list",
            "show",
            "report",
            "export",
        ),
        "irtui.cli.core_cmds",
    ),
    **dict.fromkeys(("tui", "demo"), "irtui.cli.tui_cmd"),
    "runbooks": "irtui.cli.runbooks_cmd",
    **dict.fromkeys(("publish", "sync"), "irtui.cli.sync_cmd"),
    **dict.fromkeys(
        ("postmortem", "reviews", "action", "actions", "cause", "tag", "recurring", "import"),
        "irtui.cli.review_cmd",
    ),
    **dict.fromkeys(
        ("catalog", "oncall", "page", "escalate", "page-ack", "page-resolve", "pages"),
        "irtui.cli.oncall_cmd",
    ),
    "drill": "irtui.cli.drill_cmd",
    **dict.fromkeys(("help", "completion"), "irtui.cli.help_cmd"),
    "task": "irtui.cli.task_cmd",
    **dict.fromkeys(("details", "link"), "irtui.cli.details_cmd"),
}
"""Which module registers each sub-command (a test keeps this in step with the modules), so a
command builds only its own module's parsers: importing and building all of them costs
~25 ms, a quarter of `irtui log` and of the TUI's first paint."""

_VALUE_OPTIONS = frozenset({"--db", "--policy", "--as", "--runbooks"})
_FULL_PARSER_FLAGS = frozenset({"-h", "--help", "--version"})


class _Parser(argparse.ArgumentParser):
    """Exit 2 with a one-line message; accept `-5m`/`-1h30m` as values (backdating), which
    plain argparse would mistake for unknown options."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(
            r"^-\d+$|^-\d*\.\d+$|^-(?:\d+h)?(?:\d+m)?(?:\d+s)?$"
        )

    def error(self, message: str) -> None:  # type: ignore[override]
        from irtui.boundary.secrets import shorten

        self.print_usage(sys.stderr)
        # argparse echoes the offending argv value: a 100 KB argument is said once, cut short
        self.exit(2, f"irtui: error: {shorten(message, MAX_MESSAGE)}\n")


DB_HELP = (
    "store: a SQLite file or postgresql+psycopg:// URL (default $IRTUI_DB, else the user data dir)"
)


def global_options(
    *, for_subcommand: bool, db_help: str = DB_HELP, db_metavar: str = "PATH|URL"
) -> argparse.ArgumentParser:
    """--db/--policy/--as work before or after the sub-command (`irtui --db X log ...` and
    `irtui log ... --db X`); a sub-command's value wins. A command whose --db means something
    else (`irtui demo`) passes its own help."""
    parent = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if for_subcommand else None
    parent.add_argument("--db", metavar=db_metavar, default=default, help=db_help)
    parent.add_argument(
        "--policy",
        metavar="FILE",
        default=default,
        help="severity policy YAML (default $IRTUI_POLICY, user config, bundled)",
    )
    parent.add_argument(
        "--as",
        dest="as_",
        metavar="NAME",
        default=default,
        help="who you are: author of what you record (default $IRTUI_USER, else your login name)",
    )
    return parent


def command_modules(argv: Sequence[str]) -> tuple[str, ...]:
    """The modules a command line needs: the named sub-command's, none for the bare TUI, all
    of them for help, version and anything unknown (so errors can list every command)."""
    args = iter(argv)
    for arg in args:
        if arg in _FULL_PARSER_FLAGS:
            return COMMAND_MODULES
        if arg in _VALUE_OPTIONS:
            next(args, None)
        elif arg.startswith("-"):
            if arg.split("=", 1)[0] not in _VALUE_OPTIONS:
                return COMMAND_MODULES
        else:
            module = COMMANDS.get(arg)
            return (module,) if module else COMMAND_MODULES
    return ()


MAX_INT = 2**63 - 1
"""The largest id or count a command takes (SQLite's INTEGER): a bigger number is refused by
the parser with its argument's name, instead of overflowing deep inside the store."""


def bounded_int(text: str) -> int:
    """`type=int` for every argument of every command (see `_bound_ints`)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if abs(value) > MAX_INT:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is too large")
    return value


def _bound_ints(parser: argparse.ArgumentParser) -> None:
    """Every `type=int` argument, in every sub-command, checked by `bounded_int`: a command
    added tomorrow is covered without remembering to."""
    for action in parser._actions:
        if action.type is int:
            action.type = bounded_int
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _bound_ints(child)


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    from irtui.cli.helptext import EVERYDAY_FLOW

    parser = _Parser(
        prog="irtui",
        description="A keyboard-first terminal war room for running a live incident.",
        parents=[global_options(for_subcommand=False)],
        epilog=EVERYDAY_FLOW,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"irtui {__version__}")
    parser.add_argument(
        "--runbooks",
        action="append",
        metavar="DIR",
        default=None,
        help="runbook folder for the TUI (repeatable)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    parents = [global_options(for_subcommand=True)]
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a plug-in not built yet
            raise
        module.register(sub, parents)
    _bound_ints(parser)
    return parser


def main(argv: Sequence[str] | None = None, *, ctx: CliContext | None = None) -> int:
    if argv is None and "_ARGCOMPLETE" in os.environ:  # the shell's Tab (irtui completion)
        from irtui.cli.help_cmd import complete

        complete(build_parser())  # answers on the shell's descriptor and exits
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(command_modules(argv))
    from irtui.boundary.text_out import terminal_writer

    err = terminal_writer(ctx.err if ctx is not None else sys.stderr)
    try:
        with contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # usage errors (2), --help and --version (0)
        return int(exc.code or 0)
    if ctx is None:
        try:
            ctx = CliContext(args)
        except ValueError as exc:  # a malformed $IRTUI_CLOCK
            err.write(f"irtui: {exc}\n")
            return 2
    else:
        ctx.args = args
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command is None:
            try:
                from irtui.cli import tui_cmd
            except ModuleNotFoundError:
                parser.print_help()
                return 0
            handler = tui_cmd.run
        else:  # pragma: no cover - every sub-command sets a handler
            parser.print_help()
            return 2
    from irtui.boundary.text_in import collect_notices

    try:
        with collect_notices() as notices:  # what the text boundary removed, said once
            code = int(handler(args, ctx) or 0)
        for notice in dict.fromkeys([*notices, *getattr(ctx._store, "last_notices", ())]):
            ctx.err.write(f"irtui: note: {notice}\n")
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the user gets a message, never a traceback
        code, message = explain(exc, command=args.command)
        ctx.err.write(f"irtui: {message}\n")
        return code
    finally:
        with contextlib.suppress(Exception):  # closing must not hide the real outcome
            ctx.close()


MAX_MESSAGE = 1_000
"""An error message echoing a 100 KB argument is cut: the person needs what is wrong, once."""


def explain(exc: BaseException, *, command: str | None = None) -> tuple[int, str]:
    """(exit code, one-line message) for an exception that reached `main`.

    2: the person can fix it (what they typed or pointed at): the message says what is wrong.
    1: the machine's trouble (disk full, server down, a file that cannot be written): said.
    1: a bug: the traceback goes to a private crash log and the message names only its path
       (no Python text, no incident data on the screen)."""
    import os

    from irtui.boundary.secrets import shorten

    token = os.environ.get("IRTUI_STATUSPAGE_TOKEN")
    code = exit_code_for(exc)
    if code == 2 or _is_expected(exc):
        return code, shorten(_message(exc), MAX_MESSAGE, [token])
    from irtui.crashlog import write_crash_log

    log = write_crash_log(exc, where=f"irtui {command or 'tui'}")
    where = f"; the details are in {log}" if log else ""
    return 1, (
        f"unexpected error ({type(exc).__name__}); nothing more was saved{where} "
        "— please attach it to a bug report"
    )


def _message(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to read"
    if isinstance(exc, ValueError) and "embedded null byte" in str(exc):
        return "a file name contains a NUL character"
    if _not_utf8(exc):
        return (
            "an argument (or a file name under a folder you named) is not valid UTF-8 text; "
            "irtui cannot store or search for it — retype it, or rename the file"
        )
    text = str(exc).strip()
    return " ".join(text.splitlines()) if text else type(exc).__name__


def _not_utf8(exc: BaseException) -> bool:
    """Invalid UTF-8 from argv or a directory listing reaches Python as lone surrogates
    (`surrogateescape`); where it meets an encoder (SQLite, a file) that is the person's input,
    not a bug."""
    return isinstance(exc, UnicodeEncodeError) and exc.reason == "surrogates not allowed"


def _is_expected(exc: BaseException) -> bool:
    """Failures with a message of their own that are not bugs: store trouble (disk full,
    a server down) and operating-system errors (a file that cannot be written)."""
    from irtui.store.errors import StoreError

    return isinstance(exc, StoreError | OSError)


def exit_code_for(exc: BaseException) -> int:
    """2 for anything the user can fix by changing what they typed or pointed at."""
    from irtui.boundary.errors import BoundaryError
    from irtui.catalog.model import CatalogError
    from irtui.domain.model import DomainError
    from irtui.domain.policy import PolicyError
    from irtui.store.errors import NotFound, StoreError

    if isinstance(exc, StoreError):
        return exc.exit_code
    if isinstance(
        exc,
        UsageError
        | BoundaryError
        | CatalogError
        | DomainError
        | PolicyError
        | NotFound
        | RecursionError,
    ):
        return 2
    if isinstance(exc, ValueError) and "embedded null byte" in str(exc):
        return 2  # a path with a NUL in it (from a file or the environment)
    if _not_utf8(exc):
        return 2
    if type(exc).__name__ in ("SyncConfigError", "RunbookDirsError"):  # not imported here
        return 2
    return 1


def run() -> None:  # pragma: no cover - console script shim
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
