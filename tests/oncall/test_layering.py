"""The on-call layers stay light: the pure paging domain, the catalog and the resolver import
neither Textual nor httpx nor the iCalendar libraries (those load only on a cache miss), and
`irtui/domain/paging.py` keeps to the domain's rules (stdlib, PyYAML, the boundary)."""

from __future__ import annotations

import subprocess
import sys


def test_oncall_imports_are_light() -> None:
    code = (
        "import sys\n"
        "import irtui.cli.oncall_cmd, irtui.catalog.load, irtui.catalog.graph\n"
        "import irtui.oncall.resolve, irtui.oncall.targets, irtui.oncall.handoff\n"
        "import irtui.sync.paging, irtui.domain.paging, irtui.store.paging_repo\n"
        "bad = [m for m in ('textual', 'httpx', 'icalendar', 'recurring_ical_events', "
        "'sqlalchemy', 'sqlmodel') if m in sys.modules]\n"
        "print(bad)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_paging_domain_is_pure() -> None:
    import ast
    from pathlib import Path

    import irtui.domain.paging as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        (node.module or "").split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {"__future__", "dataclasses", "datetime", "typing", "irtui"}, imported
