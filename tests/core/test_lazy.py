"""`irtui.lazy`: what the board's first paint leaves for later is still there when used."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from irtui.lazy import LazyPattern, lazy_module, lazy_pattern


def test_a_lazy_pattern_compiles_on_first_use_and_acts_as_the_pattern(
    monkeypatch: pytest.MonkeyPatch,
):
    compiled: list[str] = []
    original = re.compile
    monkeypatch.setattr(re, "compile", lambda p, f=0: compiled.append(p) or original(p, f))
    pattern = lazy_pattern(r"inc-(\d+)", re.IGNORECASE)
    assert compiled == [] and isinstance(pattern, LazyPattern)
    assert pattern.pattern == r"inc-(\d+)" and pattern.flags == re.IGNORECASE
    match = pattern.search("see INC-7 and inc-8")
    assert match is not None and match.group(1) == "7"
    assert pattern.sub("#", "INC-7 inc-8") == "# #"
    assert pattern.findall("INC-7 inc-8") == ["7", "8"]
    assert compiled == [r"inc-(\d+)"] * 3  # one compile per method looked up, then kept
    assert pattern.search("INC-9").group(1) == "9"  # type: ignore[union-attr]
    assert len(compiled) == 3


def test_a_lazy_module_runs_on_first_attribute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "irtui_lazy_probe.py").write_text(
        "import builtins\nbuiltins.irtui_lazy_probe_ran = True\nVALUE = 42\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import builtins

    monkeypatch.setattr(builtins, "irtui_lazy_probe_ran", False, raising=False)
    try:
        module = lazy_module("irtui_lazy_probe")
        assert builtins.irtui_lazy_probe_ran is False  # type: ignore[attr-defined]
        assert module.VALUE == 42
        assert builtins.irtui_lazy_probe_ran is True  # type: ignore[attr-defined]
        assert lazy_module("irtui_lazy_probe") is module
    finally:
        sys.modules.pop("irtui_lazy_probe", None)
    with pytest.raises(ModuleNotFoundError):
        lazy_module("irtui_no_such_module_anywhere")


def test_the_board_path_leaves_the_change_rules_for_the_first_change(tmp_path: Path):
    """Importing what the board's first frame needs and reading the open incidents runs
    neither the lifecycle rules nor the policy's schema; the first change loads them."""
    script = f"""
import sys
from irtui.store.repo import Store
import irtui.tui.app, irtui.tui.screens.board
store = Store.open({str(tmp_path / "s.db")!r}, author="probe")
store.list_incidents()
assert "irtui.domain.policy" not in sys.modules, "policy imported"
store.declare("checkout is down", severity=2)
assert "irtui.domain.policy" in sys.modules
assert [i.title for i in store.list_incidents()] == ["checkout is down"]
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
