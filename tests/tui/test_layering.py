"""Screens and widgets type against `irtui.tui.protocols.WarRoom`, never `irtui.tui.app`
(which imports them): the layering stays one-way."""

from __future__ import annotations

import ast
from pathlib import Path

import irtui.tui

TUI = Path(irtui.tui.__file__).parent


def test_screens_and_widgets_never_import_the_app():
    offenders = []
    for folder in ("screens", "widgets"):
        for path in sorted((TUI / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                offenders += [f"{path.name}: {n}" for n in names if n == "irtui.tui.app"]
    assert offenders == []
