"""Start Stoplight Prism on 127.0.0.1 serving an OpenAPI file (the contract tests' mock server).

Prism comes from `.ci/install-prism.sh` (.tools/prism) or `$IRTUI_PRISM`. Without it the
tests that need it are skipped naming what is missing — and fail in CI (`IRTUI_CI=1`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def prism_binary() -> Path | None:
    env = os.environ.get("IRTUI_PRISM")
    path = Path(env) if env else ROOT / ".tools" / "prism" / "node_modules" / ".bin" / "prism"
    return path if path.is_file() else None


def need(what: str) -> None:
    if os.environ.get("IRTUI_CI") == "1":
        pytest.fail(f"{what} in CI: .ci/run should have run .ci/install-prism.sh")
    pytest.skip(
        f"NO PRISM CONTRACT TESTS: {what}. Run `bash .ci/install-prism.sh` (npm) or "
        "set IRTUI_PRISM=/path/to/prism; CI always runs them"
    )


@contextmanager
def prism(spec: Path, log_path: Path) -> Iterator[str]:
    binary = prism_binary()
    if binary is None:
        need("Prism is not installed (.tools/prism/node_modules/.bin/prism)")
    if not spec.is_file():
        need(f"the spec {spec} is missing")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = log_path.open("wb")  # a file, not a pipe: Prism logs every request
    proc = subprocess.Popen(
        [str(binary), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                out = log_path.read_text(errors="replace")
                pytest.fail(f"prism exited ({proc.returncode}): {out[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("prism did not start listening within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
