"""Driving the hostile corpus through every CLI command.

The commands are enumerated from the real parser (`irtui.cli.main.COMMANDS` and each module's
sub-parsers, recursively), so a new command or argument is covered the day it is added. For
each leaf command a valid base command line is built from the argument names; every probe
then replaces *one* value with a corpus entry and runs on a fresh copy of a seeded store.

The contract checked for every probe (`check`):
- no traceback and no crash log (an unexpected error is a bug, even with a tidy message);
- exit 0, 1 or 2; exit 2 always with a message on stderr;
- nothing on stdout/stderr that could drive a terminal (`corpus.forbidden_in`);
- nothing written to the real sys.stdout/sys.stderr around the boundary (in-process probes);
- a refusal (exit 2) changed nothing in the store;
- each probe ends within its time budget (a hang fails, it does not block the suite).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import io
import os
import shutil
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.hostile.corpus import forbidden_in

GLOBAL_DESTS = frozenset({"help", "db", "policy", "as_", "version", "command"})
PATHS = frozenset({"path", "paths", "config", "from_file", "out", "runbooks", "dirs", "index"})
"""Arguments that name files or folders: they also get the hostile files."""
PROBE_BUDGET_S = 20
STATE_TABLES = ("incidents", "events", "outbox", "remote_links", "action_items", "counters")


@dataclass(frozen=True)
class Leaf:
    """One runnable command: `("runbooks", "search")` and its parser."""

    words: tuple[str, ...]
    parser: argparse.ArgumentParser

    @property
    def name(self) -> str:
        return " ".join(self.words)

    @property
    def actions(self) -> list[argparse.Action]:
        return [a for a in self.parser._actions if a.dest not in GLOBAL_DESTS]


@dataclass
class Probe:
    leaf: str
    what: str
    argv: list[str]
    db: Path | None = None
    stdin: str = ""


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    stray: str = ""
    seconds: float = 0.0
    changed: bool = False
    crash_logs: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    """The stores the command opened (Store.open calls), to tell a refusal from a command that
    never looked at --db."""


@functools.cache
def leaves() -> list[Leaf]:
    """Every leaf command of the real parser, in `COMMANDS` order."""
    from irtui.cli.main import COMMANDS, build_parser

    parser = build_parser()
    top = _subparsers(parser)
    assert top is not None
    missing = set(COMMANDS) - set(top.choices)
    assert not missing, f"COMMANDS names commands no module registers: {missing}"
    found: list[Leaf] = []

    def walk(words: tuple[str, ...], p: argparse.ArgumentParser) -> None:
        sub = _subparsers(p)
        if sub is None:
            found.append(Leaf(words, p))
            return
        for name, child in sub.choices.items():
            walk((*words, name), child)

    for name in COMMANDS:
        walk((name,), top.choices[name])
    return found


def _subparsers(p: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def base_value(leaf: Leaf, action: argparse.Action, world: dict[str, Any]) -> str:
    """A valid value for an argument, from its name (so that a probe changes one thing)."""
    if action.choices:
        return str(next(iter(action.choices)))
    dest = action.dest
    by_name: dict[str, str] = {
        "id": "INC-1",
        "incident": "INC-1",
        "title": "Checkout 500s",
        "text": "rolled back v42",
        "role": "tech",
        "to": "bob",
        "entry": str(world["entry_id"]),
        "target": "ack",
        "until": "+15m",
        "at": "-1m",
        "started": "-10m",
        "severity": "2",
        "sev": "2",
        "reason": "because",
        "brief": "status ok",
        "service": "checkout",
        "impact": "EU customers",
        "ic": "alice",
        "owner": "bob",
        "since": "2020-01-01",
        "until_date": "2030-01-01",
        "due": "2030-01-01",
        "priority": "P2",
        "tags": "database",
        "category": "deploy",
        "query": "database",
        "limit": "5",
        "step": "1",
        "action_id": "1",
        "retry": "1",
        "cancel": "1",
        "unlink": "INC-1",
        "section": "summary",
        "reopen": "more to say",
        "note": "looks better",
        "out": str(world["tmp"] / "out.md"),
        "from_file": str(world["draft"]),
        "path": str(world["import_file"]),
        "runbooks": str(world["runbooks"]),
        "dirs": str(world["runbooks"]),
        "index": str(world["tmp"] / "index.db"),
    }
    if dest == "paths":
        source = leaf.words[-1]
        return str(
            {"github-statuses": world["jsonl"], "postmortem": world["draft"]}.get(
                source, world["import_file"]
            )
        )
    if dest == "name":
        return world["runbook"] if leaf.words[0] == "runbooks" else "bob"
    if dest == "incident" and leaf.words == ("tui",):
        return "INC-1"
    if dest == "until" and leaf.words[0] in ("report", "recurring"):
        return "2030-01-01"
    if dest == "id" and leaf.words[0] == "postmortem":
        return "INC-2"
    return by_name.get(dest, "x")


def base_argv(leaf: Leaf, world: dict[str, Any]) -> list[str]:
    """The leaf's words, then required options and every positional with a valid value."""
    argv = list(leaf.words)
    positionals: list[str] = []
    for action in leaf.actions:
        if action.option_strings:
            if action.required:
                argv += [action.option_strings[0], base_value(leaf, action, world)]
        elif action.nargs != "?" or leaf.words == ("tui",):
            positionals.append(base_value(leaf, action, world))
    return [*argv, "--", *positionals] if positionals else argv


AUTHOR_VALUES = (
    "all-at-once",
    "long-line",
    "invalid-utf8",
    "empty",
    "nul",
    "markup-close",
    "newlines",
    "osc-52-clipboard",
    "bidi",
)
"""`--as` goes through one path whatever the command: a subset of the corpus is enough."""
REDUCED = (*AUTHOR_VALUES, "csi-2j", "huge-number", "ancient-date", "option-like")
"""For commands whose every run is slow (`demo` seeds a whole war room)."""


def probes(
    leaf: Leaf,
    world: dict[str, Any],
    values: dict[str, str],
    files: dict[str, Path],
    *,
    reduced: bool = False,
    scratch: Path | None = None,
) -> Iterator[Probe]:
    """Every probe of one leaf command (`reduced`: a subset of the values for slow ones)."""
    base = base_argv(leaf, world)
    if reduced:
        values = {k: v for k, v in values.items() if k in REDUCED}
    yield Probe(leaf.name, "base", base)
    for action in leaf.actions:
        if action.nargs == 0 and action.option_strings and action.dest in ("json", "all"):
            yield Probe(
                leaf.name, f"flag {action.option_strings[0]}", [*base, action.option_strings[0]]
            )
    for action in leaf.actions:
        if action.nargs == 0:
            continue
        corpus: dict[str, str] = dict(values)
        if action.choices or action.type is not None or _probed_by_sibling(leaf, action):
            # argparse checks these itself, one code path whatever the value: a subset shows
            # that its refusal is escaped and bounded
            corpus = {k: v for k, v in values.items() if k in REDUCED}
        if action.dest in PATHS:
            # /dev/null only where the argument is written to: a bug elsewhere could replace
            # the machine's /dev/null (it happened: see conftest._dev_null_survives)
            targets = files
            if action.dest in WRITTEN and scratch is not None:
                targets = _copies(files, scratch / action.dest)  # the corpus stays intact
            corpus.update(
                {
                    f"file:{k}": str(p)
                    for k, p in targets.items()
                    if k != "dev-null" or action.dest == "out"
                }
            )
        for what, value in corpus.items():
            yield Probe(
                leaf.name, f"{action.dest}={what}", _replace(leaf, base, action, value, world)
            )
    for what in AUTHOR_VALUES:
        yield Probe(leaf.name, f"--as={what}", [f"--as={values[what]}", *base])
    for what in ("alias-bomb.yaml", "huge-number-policy.yaml", "escapes-policy.yaml", "deep.yaml"):
        yield Probe(leaf.name, f"--policy={what}", ["--policy", str(files[what]), *base])


def _probed_by_sibling(leaf: Leaf, action: argparse.Action) -> bool:
    """Whether an earlier sub-command of the same command has this option too (`runbooks
    search|show|... --index`, from one shared parent parser): one code path, probed in full
    once, with a subset elsewhere."""
    if not action.option_strings or len(leaf.words) < 2:
        return False
    for other in leaves():
        if other.words == leaf.words:
            return False
        if other.words[0] == leaf.words[0] and any(
            a.dest == action.dest and a.option_strings for a in other.actions
        ):
            return True
    return False


WRITTEN = frozenset({"out", "index"})
"""Arguments a command writes to (a draft, an index): they get copies of the hostile files in
a scratch folder, so a legitimate write does not change the corpus other probes use."""


def _copies(files: dict[str, Path], folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for name, path in files.items():
        if name == "missing-dir":
            out[name] = folder / "no" / "such" / "dir" / "x"
        elif path.is_file() and path.parent != Path("/dev"):
            copy = folder / path.name
            shutil.copyfile(path, copy)
            out[name] = copy
        else:
            out[name] = path
    return out


def store_refusals(leaf: Leaf, world: dict[str, Any], files: dict[str, Path]) -> Iterator[Probe]:
    from tests.hostile.corpus import STORE_REFUSALS

    base = base_argv(leaf, world)
    for name in STORE_REFUSALS:
        yield Probe(leaf.name, f"--db={name}", base, db=files[name])


def missing_directory(folder: Path) -> Path:
    """A store path in a directory that does not exist (fresh per test: some other command
    may legitimately create the corpus' own missing-dir for a file it writes)."""
    return folder / "typo" / "deeper" / "store.db"


def _replace(
    leaf: Leaf, base: list[str], action: argparse.Action, value: str, world: dict[str, Any]
) -> list[str]:
    argv = list(leaf.words)
    positionals: list[str] = []
    for other in leaf.actions:
        if other.option_strings:
            if other is action:
                argv += [f"{other.option_strings[0]}={value}"]  # `=`: a value may start with -
            elif other.required:
                argv += [other.option_strings[0], base_value(leaf, other, world)]
        elif other.nargs != "?" or leaf.words == ("tui",) or other is action:
            positionals.append(value if other is action else base_value(leaf, other, world))
    return [*argv, "--", *positionals] if positionals else argv


# --- running a probe -------------------------------------------------------------------------


class ProbeTimeout(BaseException):
    """A probe ran past its budget (a BaseException: `main` must not catch it as a crash)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(_signum: int, _frame: Any) -> None:
        raise ProbeTimeout(f"probe ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def store_state(path: Path) -> str:
    """A digest of everything a command could change in a store (read-only, no side files)."""
    if not path.is_file():
        return "absent"
    con = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for table in STATE_TABLES:
            for row in con.execute(f"SELECT * FROM {table} ORDER BY 1"):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        con.close()


def run_in_process(
    probe: Probe, template: Path, work: Path, clock: Any, state_dir: Path
) -> Outcome:
    """Run one probe through `main` on a fresh copy of the template store."""
    from irtui.cli.context import CliContext
    from irtui.cli.main import main

    db = probe.db
    if db is None:
        db = work / "store.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, db)
    before = store_state(db) if probe.db is None else None
    logs_before = set(state_dir.glob("crash-*.log")) if state_dir.exists() else set()
    out, err, stray_out, stray_err = io.StringIO(), io.StringIO(), io.StringIO(), io.StringIO()
    ctx = CliContext(None, clock=clock, out=out, err=err)  # type: ignore[arg-type]
    from irtui.store.repo import Store

    opened: list[str] = []
    real_open = Store.open.__func__  # type: ignore[attr-defined]

    def recording_open(cls: type, target: Any = None, **kw: Any) -> Any:
        opened.append(str(target))
        return real_open(cls, target, **kw)

    started = time.perf_counter()
    old_stdin, old_cwd = sys.stdin, os.getcwd()
    Store.open = classmethod(recording_open)  # type: ignore[method-assign,assignment]
    sys.stdin = io.StringIO(probe.stdin)
    os.chdir(work)  # a relative path in a probe (`--out 1e308`) lands in the scratch folder
    try:
        with (
            time_limit(PROBE_BUDGET_S),
            contextlib.redirect_stdout(stray_out),
            contextlib.redirect_stderr(stray_err),
        ):
            code = main(["--db", str(db), *probe.argv], ctx=ctx)
    finally:
        sys.stdin = old_stdin
        os.chdir(old_cwd)
        Store.open = classmethod(real_open)  # type: ignore[method-assign,assignment]
    seconds = time.perf_counter() - started
    logs = set(state_dir.glob("crash-*.log")) if state_dir.exists() else set()
    outcome = Outcome(
        code,
        out.getvalue(),
        err.getvalue(),
        stray=stray_out.getvalue() + stray_err.getvalue(),
        seconds=seconds,
        crash_logs=[p.read_text()[-2000:] for p in sorted(logs - logs_before)],
        opened=opened,
    )
    if before is not None:
        outcome.changed = store_state(db) != before
    return outcome


def check(probe: Probe, outcome: Outcome) -> list[str]:
    """What is wrong with one probe's outcome ([] when the contract holds)."""
    problems: list[str] = []
    both = outcome.out + outcome.err
    if "Traceback" in both or outcome.crash_logs:
        problems.append(f"crashed: {outcome.err.strip()[:300]} {outcome.crash_logs[:1]}")
    if outcome.code not in (0, 1, 2):
        problems.append(f"exit {outcome.code}")
    if outcome.code == 2 and not outcome.err.strip():
        problems.append("exit 2 without a message")
    if outcome.code != 0 and not outcome.err.strip():
        problems.append(f"exit {outcome.code} without a message")
    bad = forbidden_in(both)
    if bad:
        problems.append(f"control characters reached the terminal: {', '.join(bad)}")
    if outcome.stray:
        problems.append(f"wrote around the boundary (sys.stdout/stderr): {outcome.stray[:200]!r}")
    if outcome.code == 2 and outcome.changed:
        problems.append("refused (exit 2) but changed the store")
    return problems
