"""The one place that finds the project's shared folder (`../shared/`) and the small fixtures
that stand in for it (`tests/fixtures/`).

`../shared/` holds what is not ours to ship and too big to keep in the repository: vendor API
descriptions (`specs/swagger.json`, Atlassian's Statuspage OpenAPI, which Prism serves for the
contract tests) and whole real-world corpora (`corpora/`: 118 Prometheus runbooks, 59 Chinese
translations, 819 GitHub status incidents). A bare clone has none of it: the tests that need
it skip, saying what is missing and how to get it, and the core tests run on the small
samples in `tests/fixtures/corpora/` (their licences allow it; see `tests/fixtures/ATTRIBUTION.md`).
In CI (`IRTUI_CI=1`) a missing piece fails instead: CI always lays `shared/` beside the clone.

Where it is looked for: `$IRTUI_SHARED` if set (only there); else a `shared/` folder beside the
project root or beside one of its parent folders (a worktree under `wt/`), recognised by its
`corpora/SOURCES.md` or `specs/`. pytest is imported only when a test asks, so benchmarks and
`.ci/run` can ask the same question.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ENV = "IRTUI_SHARED"
HOW_TO_GET_IT = (
    "to get it, put the project's shared folder (specs/ and corpora/, see README "
    f"'Development') beside the clone as ../shared, or set {ENV}=/path/to/shared; CI has it"
)


def _looks_shared(path: Path) -> bool:
    return (path / "corpora" / "SOURCES.md").is_file() or (path / "specs").is_dir()


def candidates() -> list[Path]:
    """Every place looked at, in order (benchmarks use the first that has what they need)."""
    env = os.environ.get(ENV, "").strip()
    if env:
        return [Path(env)]
    return [parent / "shared" for parent in ROOT.parents]


def shared_root() -> Path | None:
    """The shared folder, or None when this is a bare clone."""
    for base in candidates():
        if base.is_dir() and (_looks_shared(base) or os.environ.get(ENV, "").strip()):
            return base
    return None


def missing_reason(*parts: str) -> str:
    """What a test that needs `../shared/<parts>` says when it is not there."""
    want = "/".join(parts)
    env = os.environ.get(ENV, "").strip()
    root = shared_root()
    if root is not None:
        why = f"{root} has no {want}"
    elif env:
        why = f"{ENV}={env} is not a folder"
    else:
        why = "there is no ../shared beside the clone or its parent folders"
    return f"NO SHARED MATERIAL: this test needs ../shared/{want}, but {why}; {HOW_TO_GET_IT}"


def shared_path(*parts: str) -> Path:
    """`../shared/<parts>`; a test without it skips (fails in CI) saying how to get it."""
    root = shared_root()
    if root is not None and root.joinpath(*parts).exists():
        return root.joinpath(*parts)
    import pytest

    if os.environ.get("IRTUI_CI") == "1":
        pytest.fail(missing_reason(*parts) + " (IRTUI_CI=1: CI must have it)")
    pytest.skip(missing_reason(*parts))


def fixture_path(*parts: str) -> Path:
    """A file or folder of `tests/fixtures/` (always in the repository)."""
    path = FIXTURES.joinpath(*parts)
    assert path.exists(), f"fixture {path} is missing from the repository"
    return path
