"""Help that helps: every argument of every sub-command is explained and every sub-command
shows examples; `irtui --help` and `irtui help` lead with the everyday flow; Tab completion
works in bash (for real) and answers zsh's and fish's requests, without slowing any command."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from irtui.cli.context import CliContext
from irtui.cli.main import COMMANDS, build_parser, main

IRTUI = str(Path(sys.executable).with_name("irtui"))
FLOW = ("declare", "log", "update", "resolve", "postmortem")


def run(*argv: str) -> tuple[int, str, str]:
    """In-process; argparse prints --help on sys.stdout, so that is captured too."""
    out, err = io.StringIO(), io.StringIO()
    ctx = CliContext(None, out=out, err=err)  # type: ignore[arg-type]
    with contextlib.redirect_stdout(out):
        code = main(list(argv), ctx=ctx)
    return code, out.getvalue(), err.getvalue()


def sub_commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield (*path, name), child
                yield from sub_commands(child, (*path, name))


def test_every_argument_has_a_description_and_every_command_examples() -> None:
    seen = dict(sub_commands(build_parser()))
    assert {path[0] for path in seen} == set(COMMANDS)
    missing = []
    for path, parser in seen.items():
        name = " ".join(path)
        if not (parser.description or "").strip():
            missing.append(f"{name}: no description")
        epilog = parser.epilog or ""
        if "examples:" not in epilog or f"irtui {path[0]}" not in epilog:
            missing.append(f"{name}: no examples")
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
                continue
            text = action.help or ""
            if text == argparse.SUPPRESS or not text.strip() or "\n" in text:
                missing.append(f"{name} {action.option_strings or action.dest}: no one-line help")
    assert missing == []


def test_examples_are_shown_as_written() -> None:
    code, out, _ = run("log", "--help")
    assert code == 0
    assert 'examples:\n  irtui log INC-1 "rolled back v42" --kind action --star\n' in out
    assert "the incident: INC-7, inc-7 or 7" in out


def test_root_help_and_irtui_help_list_the_everyday_flow_in_order() -> None:
    code, root_help, _ = run("--help")
    assert code == 0
    code, flow, _ = run("help")
    assert code == 0 and flow in root_help
    for text in (root_help[root_help.index("the everyday flow") :], flow):
        steps = [line.split()[1] for line in text.splitlines() if line[:5].strip()[:1].isdigit()]
        assert tuple(steps) == FLOW, text
        assert "irtui status INC-1 resolved" in text and "irtui postmortem INC-1" in text


def test_irtui_help_command_is_that_commands_help() -> None:
    assert run("help", "postmortem")[1] == run("postmortem", "--help")[1]
    code, _, err = run("help", "nosuch")
    assert code == 2 and "no help topic 'nosuch'" in err and "postmortem" in err


# --- completion ---------------------------------------------------------------------------


@pytest.fixture
def store_with_incidents(tmp_path: Path) -> Path:
    db = tmp_path / "room.db"
    for title in ("Checkout 500s", "Replica lag"):
        assert run("--db", str(db), "declare", title, "--sev", "2")[0] == 0
    return db


def _protocol(shell: str, line: str, tmp_path: Path, **env: str) -> list[str]:
    """Ask irtui for completions the way argcomplete's shell code does for `shell`."""
    answer = tmp_path / "answer"
    full = {
        **os.environ,
        **env,
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_SHELL": shell,
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
        "_ARGCOMPLETE_IFS": "\n",
    }
    done = subprocess.run([IRTUI], env=full, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    words = answer.read_text().split("\n")
    return [w.split(":")[0].split("\t")[0].strip() for w in words if w.strip()]


@pytest.mark.parametrize("shell", ["zsh", "fish", "bash"])
def test_completion_answers_each_shell(shell: str, tmp_path: Path, store_with_incidents) -> None:
    db = {"IRTUI_DB": str(store_with_incidents)}
    assert "log" in _protocol(shell, "irtui lo", tmp_path, **db)
    assert _protocol(shell, "irtui log ", tmp_path, **db) == ["INC-1", "INC-2"]
    assert "detection" in _protocol(shell, "irtui log INC-1 x --kind ", tmp_path, **db)
    assert "ic" in _protocol(shell, "irtui role INC-1 ", tmp_path, **db)
    code, script, _ = run("completion", shell)
    assert code == 0 and "irtui" in script and len(script) > 200


def test_tab_never_creates_a_store(tmp_path: Path) -> None:
    absent = tmp_path / "nothing-here.db"
    assert _protocol("bash", "irtui show ", tmp_path, IRTUI_DB=str(absent)) == []
    assert not absent.exists()


def test_bash_completes_for_real(tmp_path: Path, store_with_incidents: Path) -> None:
    """The script `irtui completion bash` prints, loaded into a real bash."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("NO BASH: install bash to run the real-shell completion test")
    script = tmp_path / "try.sh"
    script.write_text(
        'eval "$(irtui completion bash)"\n'
        'COMP_LINE="irtui show "; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(irtui show "")\n'
        'COMP_CWORD=2; _python_argcomplete irtui; echo "${COMPREPLY[*]}"\n'
    )
    env = {
        **os.environ,
        "PATH": f"{Path(IRTUI).parent}{os.pathsep}{os.environ['PATH']}",
        "IRTUI_DB": str(store_with_incidents),
    }
    done = subprocess.run([bash, str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["INC-1", "INC-2"], done.stderr


def test_argcomplete_is_imported_only_when_the_shell_asks(tmp_path: Path) -> None:
    """`irtui log` pays nothing for completion (CLI start-up is measured in bench_core)."""
    db = tmp_path / "s.db"
    probe = (
        "import sys; from irtui.cli.main import main; "
        f"main(['--db', {str(db)!r}, 'declare', 't', '--sev', '2']); "
        f"main(['--db', {str(db)!r}, 'log', '1', 'x']); "
        "print(sorted(m for m in sys.modules if m.startswith(('argcomplete', 'irtui.cli'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert "argcomplete" not in out and "help_cmd" not in out
