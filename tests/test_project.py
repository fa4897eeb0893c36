"""Project promises that are easy to break silently: the README Quick start, CI, layering."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _quick_start_lines() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.DOTALL)
    assert block, "Quick start has no code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_exactly_two_command_lines() -> None:
    lines = _quick_start_lines()
    assert len(lines) == 2, lines
    assert "irtui" in lines[0] and "pytest" in lines[1]
    for line in lines:
        assert line.startswith("python3 -m venv .venv && ")


def test_ci_runs_the_readme_quick_start_lines_verbatim() -> None:
    """`.ci/run` greps both Quick start lines out of the README (the test line for the main
    suite and the bare copy, the demo line for the bare copy): check it finds these very
    lines."""
    ci = (ROOT / ".ci" / "run").read_text()
    patterns = dict(re.findall(r'(test_line|demo_line)="\$\(grep -m1 -E "(.+?)" README.md\)"', ci))
    assert set(patterns) == {"test_line", "demo_line"}, "CI no longer extracts the README lines"
    for name, line in (("demo_line", 0), ("test_line", 1)):
        found = subprocess.run(
            ["grep", "-m1", "-E", patterns[name], str(ROOT / "README.md")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert found == _quick_start_lines()[line], name


def _imports(package: str) -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "irtui" / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names |= {node.module.split(".")[0], node.module}
    return names


def test_domain_has_no_textual_sql_or_http() -> None:
    imported = _imports("domain")
    for banned in (
        "textual",
        "sqlalchemy",
        "sqlmodel",
        "sqlite3",
        "psycopg",
        "httpx",
        "alembic",
        "irtui.store",
        "irtui.tui",
        "irtui.sync",
    ):
        assert banned not in imported, banned


def test_only_the_store_speaks_sql_and_only_sync_speaks_http() -> None:
    for package in ("domain", "tui", "cli", "review", "importers", "sync"):
        if not (ROOT / "irtui" / package).is_dir():
            continue
        imported = _imports(package)
        for banned in ("sqlalchemy", "sqlmodel", "psycopg", "alembic"):
            assert banned not in imported, (package, banned)
    for package in ("domain", "store", "review", "importers", "runbooks"):
        if (ROOT / "irtui" / package).is_dir():
            assert "httpx" not in _imports(package), package


_SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|"
    r"DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|PRAGMA)\b",
    re.DOTALL,
)
SQL_HOMES = ("irtui/store/", "irtui/runbooks/index.py")
"""The store; and the runbook search index, a local FTS5 cache of the runbook files that is
not the incident store (it stays on the laptop even when the store is PostgreSQL)."""


def test_sql_text_lives_only_in_the_store() -> None:
    """Importing no database driver is not enough: a layer can still hand SQL to
    `store.db.query`. Every string literal outside the store (docstrings too) is checked."""
    offenders = []
    for path in (ROOT / "irtui").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(SQL_HOMES):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _SQL.search(node.value)
            ):
                offenders.append(f"{rel}:{node.lineno}: {node.value[:60]!r}")
    assert offenders == []


def _ruff() -> str:
    import shutil
    import sys

    beside = Path(sys.executable).with_name("ruff")
    ruff = str(beside) if beside.exists() else shutil.which("ruff")
    assert ruff, "ruff is a test dependency: pip install -e '.[test]'"
    return ruff


def test_the_code_is_ruff_clean() -> None:
    """`ruff check .` is part of the suite, so a lint regression turns CI red."""
    done = subprocess.run(
        [_ruff(), "check", "--no-cache", str(ROOT)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_is_ruff_formatted() -> None:
    """`ruff format --check .` too (ruff is pinned exactly, so its style cannot drift)."""
    done = subprocess.run(
        [_ruff(), "format", "--check", "--no-cache", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_licence_file_matches_pyproject() -> None:
    """`pyproject.toml` declares MIT; the LICENSE beside it must be that licence's text."""
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    text = (ROOT / "LICENSE").read_text()
    assert declared == "MIT"
    assert text.startswith("MIT License\n") and "irtui contributors" in text
    assert "Permission is hereby granted, free of charge" in text
