"""Timing helpers the benchmarks share: a median of in-process calls, and of whole processes."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of `runs` calls of `fn`, in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def process_ms(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of running `cmd` as a whole process; a failing run ends the bench."""

    def once() -> None:
        done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode != 0:
            raise SystemExit(f"{cmd} failed: {done.stderr.decode()}")

    return median_ms(once, runs)
