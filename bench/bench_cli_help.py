"""What help and Tab completion cost, and that they cost `irtui log` nothing.

    python bench/bench_cli_help.py [--runs 21]

Times whole processes (what a user pays), wall clock and CPU (user+sys: steadier than wall
time on a machine shared with other jobs), as medians and as ratios to `python -c pass`:
`irtui log` (the hot path: it builds only its own module's parsers and never imports
argcomplete), `irtui --version` and `irtui log --help` (every parser, with its help texts and
examples), and one Tab press (`_ARGCOMPLETE` set, as the shell code of `irtui completion bash`
does: every parser plus argcomplete, and the store read for incident ids). Asserts that `log`
does not import argcomplete and that a Tab answers within 1 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IRTUI = shutil.which("irtui") or str(Path(sys.executable).with_name("irtui"))


def measure(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """(median wall ms, median CPU ms) of `runs` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True)
        walls.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
        if done.returncode != 0:
            raise SystemExit(f"{argv} failed: {done.stderr.decode()}")
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="irtui-bench-help-"))
    db = tmp / "s.db"
    env = {**os.environ, "IRTUI_DB": str(db), "IRTUI_USER": "bench", "IRTUI_DATA_DIR": str(tmp)}
    for n in range(20):
        subprocess.run([IRTUI, "declare", f"incident {n}", "--sev", "2"], env=env, check=True,
                       capture_output=True)  # fmt: skip
    tab = {**env, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_SHELL": "bash", "COMP_LINE": "irtui log ",
           "COMP_POINT": "10", "_ARGCOMPLETE_STDOUT_FILENAME": str(tmp / "answer")}  # fmt: skip
    cases = {
        "`python -c pass`": ([sys.executable, "-c", "pass"], env),
        "`irtui log`": ([IRTUI, "log", "INC-20", "bench entry"], env),
        "`irtui --version`": ([IRTUI, "--version"], env),
        "`irtui log --help`": ([IRTUI, "log", "--help"], env),
        "Tab after `irtui log `": ([IRTUI], tab),
    }
    results = {name: measure(argv, e, args.runs) for name, (argv, e) in cases.items()}
    floor_wall, floor_cpu = results["`python -c pass`"]
    print(f"medians of {args.runs} runs\n")
    print("| what | wall | × `python -c pass` | CPU | × `python -c pass` |")
    print("|---|---:|---:|---:|---:|")
    for name, (wall, cpu) in results.items():
        print(f"| {name} | {wall:.0f} ms | {wall / floor_wall:.1f} | {cpu:.0f} ms | "
              f"{cpu / floor_cpu:.1f} |")  # fmt: skip
    answer = (tmp / "answer").read_text()
    assert "INC-20" in answer, answer
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "irtui.cli.main", "log", "INC-1", "x"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert "argcomplete" not in probe.stderr, "irtui log imported argcomplete"
    tab_wall = results["Tab after `irtui log `"][0]
    assert tab_wall < 1000, f"a Tab took {tab_wall:.0f} ms"
    print("\n`irtui log` imports no argcomplete; a Tab answers in "
          f"{tab_wall:.0f} ms (budget 1 s)")  # fmt: skip
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
