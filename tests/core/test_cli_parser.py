"""The command line builds only the parsers it needs; the table that routes a sub-command to
its module must stay in step with what the modules register."""

from __future__ import annotations

import importlib

import pytest

from irtui.cli.main import (
    COMMAND_MODULES,
    COMMANDS,
    _Parser,
    build_parser,
    command_modules,
    global_options,
    main,
)


def _registered(module: str) -> set[str]:
    parser = _Parser(prog="irtui")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    importlib.import_module(module).register(sub, [global_options(for_subcommand=True)])
    return set(sub.choices)


def test_the_routing_table_matches_what_each_module_registers() -> None:
    for module in COMMAND_MODULES:
        assert _registered(module) == {c for c, m in COMMANDS.items() if m == module}, module


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ()),
        (["--db", "x.db", "--as", "bob"], ()),
        (["log", "INC-1", "text"], ("irtui.cli.core_cmds",)),
        (["--db", "x.db", "log", "1", "t"], ("irtui.cli.core_cmds",)),
        (["--db=x.db", "--as", "log", "publish", "1", "t"], ("irtui.cli.sync_cmd",)),  # a value
        (["--policy", "p.yaml", "runbooks", "search", "x"], ("irtui.cli.runbooks_cmd",)),
        (["demo"], ("irtui.cli.tui_cmd",)),
        (["--help"], COMMAND_MODULES),
        (["--version"], COMMAND_MODULES),
        (["lgo", "1"], COMMAND_MODULES),  # unknown: the error lists every command
        (["--bogus", "log"], COMMAND_MODULES),
    ],
)
def test_command_modules(argv: list[str], expected: tuple[str, ...]) -> None:
    assert command_modules(argv) == expected


def test_help_still_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    shown = capsys.readouterr().out
    for command in COMMANDS:
        assert command in shown, command


def test_an_unknown_command_is_a_usage_error_naming_the_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["lgo", "INC-1"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'lgo'" in err and "'log'" in err


def test_a_partial_parser_parses_like_the_full_one() -> None:
    argv = ["--db", "x.db", "log", "INC-1", "rolled back", "--kind", "action", "--at", "-5m"]
    full = vars(build_parser().parse_args(argv))
    partial = vars(build_parser(command_modules(argv)).parse_args(argv))
    full.pop("handler"), partial.pop("handler")
    assert partial == full
