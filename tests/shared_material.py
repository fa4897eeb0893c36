"""Where `../shared/` is: the Statuspage OpenAPI spec and the real-world corpora the tests
read (never copied into the repository).

`$IRTUI_SHARED` if set, else `shared/` beside the project root (how CI lays a clone out), else
the workspace's `/work/shared` (a clone made somewhere else on the same machine). A missing
file fails the test that needs it, naming every place that was tried.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def candidates() -> list[Path]:
    env = os.environ.get("IRTUI_SHARED")
    places = [Path(env)] if env else []
    return [*places, ROOT.parent / "shared", Path("/work/shared")]


def shared_path(*parts: str) -> Path:
    for base in candidates():
        path = base.joinpath(*parts)
        if path.exists():
            return path
    tried = ", ".join(str(base.joinpath(*parts)) for base in candidates())
    pytest.fail(
        f"shared material {'/'.join(parts)} not found (tried {tried}); "
        "set IRTUI_SHARED to the folder holding specs/ and corpora/"
    )
