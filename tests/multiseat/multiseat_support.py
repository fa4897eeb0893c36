"""Helpers for the multi-seat tests: seats are real OS processes, started together.

A *seat* here is a child Python process running a tiny script against the store (the same
`Store` API the CLI and TUI use). Each child opens the store, prints `ready`, then waits for one
line on stdin: the parent releases every seat at once after all are ready, so the writes really
overlap instead of running one process after another.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
IRTUI_BIN = str(Path(sys.executable).with_name("irtui"))

WRITER = textwrap.dedent("""
    # seat: log COUNT timeline entries "<name>:<seq>" on INC, print each event id after commit
    import sys
    from irtui.store.repo import Store
    url, name, inc, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    start = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    store = Store.open(url, author=name)
    print("ready", flush=True)
    sys.stdin.readline()
    seq = start
    while count < 0 or seq < start + count:
        event = store.log(inc, f"{name}:{seq:06d}")
        print(event.id, f"{name}:{seq:06d}", flush=True)  # only after COMMIT returned
        seq += 1
    store.close()
""")

DECLARER = textwrap.dedent("""
    # seat: declare COUNT incidents, print each INC id after commit
    import sys
    from irtui.store.repo import Store
    url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store.open(url, author=name)
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(count):
        inc = store.declare(f"{name} incident {n}", 3)
        print(inc.id, flush=True)
    store.close()
""")

OPENER = textwrap.dedent("""
    # seat: open (create and migrate) a store at the same moment as other seats
    import sys
    print("ready", flush=True)
    sys.stdin.readline()
    from irtui.store.repo import Store
    store = Store.open(sys.argv[1], author=sys.argv[2])
    store.declare(f"opened by {sys.argv[2]}", 2)
    print(store.change_marker(), flush=True)
    store.close()
""")

SEVERITY = textwrap.dedent("""
    # seat: set the severity of INC-1 to SEV, print the outcome (refusals are expected)
    import sys
    from irtui.domain.model import DomainError
    from irtui.store.repo import Store
    url, name, sev = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store.open(url, author=name)
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        inc = store.set_severity("INC-1", sev, reason=f"{name} says SEV{sev}")
        print("ok", inc.severity, flush=True)
    except DomainError as exc:
        print("refused", exc, flush=True)
    store.close()
""")


@dataclass
class SeatResult:
    name: str
    returncode: int
    stdout: list[str]
    stderr: str


def write_script(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    return path


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("IRTUI_DB", None)
    return env


def start_seats(script: Path, argvs: Sequence[Sequence[str]]) -> list[subprocess.Popen[str]]:
    """Start one process per argv and wait until every one printed `ready`."""
    procs = [
        subprocess.Popen(
            [PYTHON, str(script), *map(str, argv)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        for argv in argvs
    ]
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            for p in procs:
                p.kill()
            _, err = proc.communicate()
            raise AssertionError(f"seat did not start: {line!r} {err}")
    return procs


def go(procs: Sequence[subprocess.Popen[str]]) -> None:
    """Release every waiting seat at (nearly) the same instant."""
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()


def finish(
    procs: Sequence[subprocess.Popen[str]], names: Sequence[str], *, timeout: float = 120
) -> list[SeatResult]:
    results = []
    for proc, name in zip(procs, names, strict=True):
        out, err = proc.communicate(timeout=timeout)
        results.append(SeatResult(name, proc.returncode, out.splitlines(), err))
    return results


def run_seats(
    script: Path, argvs: Sequence[Sequence[str]], names: Sequence[str], *, timeout: float = 120
) -> list[SeatResult]:
    procs = start_seats(script, argvs)
    go(procs)
    return finish(procs, names, timeout=timeout)


def assert_clean(results: Sequence[SeatResult]) -> None:
    """Every seat exited 0 and showed the user nothing on stderr (no 'database is locked')."""
    for r in results:
        assert r.returncode == 0, f"{r.name} exited {r.returncode}: {r.stderr[-2000:]}"
        assert r.stderr.strip() == "", f"{r.name} wrote to stderr: {r.stderr[-2000:]}"
