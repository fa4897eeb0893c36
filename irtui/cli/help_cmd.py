"""`irtui help [TOPIC]` and `irtui completion bash|zsh|fish`: finding your way in.

`irtui help` prints the everyday flow (declare, log, update, resolve, postmortem) with a
ready-to-edit example of each; `irtui help COMMAND` is `irtui COMMAND --help`. `irtui
completion SHELL` prints the shell code that makes Tab complete commands, options, choices,
roles and open incident ids (argcomplete: the shell runs `irtui` with `_ARGCOMPLETE` set, and
only then is argcomplete imported, so no other command pays for it).
"""

from __future__ import annotations

import argparse
import contextlib
from typing import Any

from irtui.cli.context import CliContext, UsageError

SHELLS = ("bash", "zsh", "fish")
FLOW_TOPICS = ("flow", "everyday")


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    from irtui.cli import helptext as h

    summary = "the everyday flow (declare, log, update, resolve, postmortem), or a command's help"
    p = sub.add_parser(
        "help",
        help=summary,
        description=summary,
        **h.examples("irtui help", "irtui help log", "irtui help runbooks"),
    )
    p.add_argument(
        "topic",
        nargs="?",
        default="flow",
        metavar="TOPIC",
        help="flow (default: the everyday commands in order) or any command's name",
    )
    p.set_defaults(handler=cmd_help)

    summary = "print the shell code for Tab completion (commands, options, incident ids)"
    p = sub.add_parser(
        "completion",
        help=summary,
        description=summary,
        **h.examples(
            'eval "$(irtui completion bash)"      # in ~/.bashrc',
            'eval "$(irtui completion zsh)"       # in ~/.zshrc, after compinit',
            "irtui completion fish > ~/.config/fish/completions/irtui.fish",
        ),
    )
    p.add_argument("shell", choices=SHELLS, help="the shell to print it for")
    p.set_defaults(handler=cmd_completion)


def cmd_help(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.cli import helptext
    from irtui.cli.main import COMMANDS, main

    topic = args.topic.strip()
    if topic in FLOW_TOPICS:
        ctx.out.write(helptext.EVERYDAY_FLOW)
        return 0
    if topic not in COMMANDS:
        raise UsageError(
            f"no help topic {topic!r}: try `irtui help` (the everyday flow) or one of "
            + ", ".join(sorted(COMMANDS))
        )
    with contextlib.redirect_stdout(ctx.out):  # argparse prints help on sys.stdout
        return main([topic, "--help"])


def cmd_completion(args: argparse.Namespace, ctx: CliContext) -> int:
    import argcomplete

    ctx.out.write(argcomplete.shellcode(["irtui"], shell=args.shell))
    return 0


# --- what Tab offers --------------------------------------------------------------------


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request (argcomplete exits the process)."""
    import argcomplete

    _attach_completers(parser)
    argcomplete.autocomplete(parser, always_complete_options=False)  # options after "-"


INCIDENT_ARGS = frozenset({"id", "incident"})
ROLE_NAMES = ("ic", "tech", "comms", "scribe", "deputy")


def _attach_completers(parser: argparse.ArgumentParser) -> None:
    """Incident ids for every `ID`/`INCIDENT` argument and the standard roles for `ROLE`,
    wherever they are in the tree of sub-commands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _attach_completers(child)
        elif not action.option_strings and action.dest in INCIDENT_ARGS:
            action.completer = open_incident_ids  # type: ignore[attr-defined]
        elif not action.option_strings and action.dest == "role":
            action.completer = lambda **_: list(ROLE_NAMES)  # type: ignore[attr-defined]


def open_incident_ids(prefix: str = "", parsed_args: Any = None, **_: Any) -> list[str]:
    """Open incidents of the store the command line names, soonest deadline first. Only an
    existing SQLite file is read: Tab never creates a store or dials a server."""
    from pathlib import Path

    from irtui.store.repo import Store, resolve_target

    try:
        target = resolve_target(getattr(parsed_args, "db", None))
        if "://" in str(target) or not Path(target).is_file():
            return []
        with Store.open(target) as store:
            ids = [inc.id for inc in store.list_incidents()]
    except Exception:  # a broken store must not break the shell's Tab
        return []
    return [i for i in ids if i.lower().startswith(prefix.lower())]
