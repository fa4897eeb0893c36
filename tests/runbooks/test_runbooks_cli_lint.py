"""`irtui runbooks ...` in-process and as a subprocess; the linter's findings and exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from irtui.cli.context import CliContext
from irtui.cli.main import main
from irtui.runbooks.lint import RECOMMENDED_SECTIONS, lint_paths, sections_present
from irtui.runbooks.loader import load_dirs


def run(clock: Any, *argv: str) -> tuple[int, str, str]:
    ctx = CliContext(None, clock=clock, out=io.StringIO(), err=io.StringIO())  # type: ignore[arg-type]
    code = main(list(argv), ctx=ctx)
    return code, ctx.out.getvalue(), ctx.err.getvalue()  # type: ignore[attr-defined]


def test_search_json_and_text(clock: Any, kubesphere_sample: Path) -> None:
    code, out, _ = run(clock, "runbooks", "search", "connection", "pool", "--json")
    assert code == 0
    data = json.loads(out)
    assert data[0]["id"] == "database-connection-exhaustion" and "snippet" in data[0]
    code, out, _ = run(clock, "runbooks", "--runbooks", str(kubesphere_sample), "search", "内存")
    assert code == 0 and "内存" in out
    code, _, err = run(clock, "runbooks", "search", "zzzqqqxxx")
    assert code == 1 and "no runbook matches" in err


def test_show_prints_markdown_with_placeholders(clock: Any) -> None:
    code, out, _ = run(clock, "runbooks", "show", "database-connection-exhaustion")
    assert code == 0
    assert out.startswith("Database connection exhaustion\n=")
    assert "kubectl -n <namespace> scale deploy/<app> --replicas=<n>" in out
    assert "owner: database-team" in out
    code, out, _ = run(clock, "runbooks", "show", "NodeFilesystemAlmostOutOfSpace", "--json")
    data = json.loads(out)
    assert data["id"] == "disk-full" and data["steps"] and data["stale_days"] is None


def test_show_unknown_and_ambiguous_names_exit_2(clock: Any, nasty_dir: Path) -> None:
    code, _, err = run(clock, "runbooks", "show", "no-such-runbook-here")
    assert code == 2 and "no runbook named" in err
    code, _, err = run(clock, "runbooks", "--runbooks", str(nasty_dir), "show", "dup")
    assert code == 2 and "ambiguous" in err and "a/dup" in err
    code, _, err = run(clock, "runbooks", "search", "x", "--runbooks", str(nasty_dir / "nope"))
    assert code == 2 and "no such file" in err


def test_check_bundled_library_is_clean(clock: Any, bundled_dir: Path) -> None:
    code, out, err = run(clock, "runbooks", "check", str(bundled_dir))
    assert (code, out) == (0, "") and "no problems" in err


def test_check_reports_every_kind_of_problem(clock: Any, nasty_dir: Path) -> None:
    code, out, _ = run(clock, "runbooks", "check", str(nasty_dir), "--sections", "starter")
    assert code == 1
    lines = out.splitlines()

    def has(name: str, fragment: str) -> bool:
        return any(line.startswith(str(nasty_dir / name) + ":") and fragment in line
                   for line in lines)  # fmt: skip

    assert has("broken-yaml.md", "invalid YAML front matter")
    assert has("no-title.md", "no title")
    assert has("a/placeholders.md", "missing recommended section(s): overview, impact")
    assert has("a/placeholders.md", "dead link: ./nope.md")
    assert not has("a/placeholders.md", "dead link: ../b/dup.md")
    assert has("a/placeholders.md", "stale: last reviewed 2026-01-02")
    assert has("binary.md", "binary")
    assert has("empty.md", "file is empty")
    broken = next(line for line in lines if "broken-yaml.md" in line and "YAML" in line)
    assert broken.split(":")[1].isdigit()  # file:line: why
    code, out, _ = run(clock, "runbooks", "check", str(nasty_dir), "--json")
    assert code == 1 and {p["code"] for p in json.loads(out)} >= {"front-matter", "stale"}


def test_stale_lists_owners(clock: Any, nasty_dir: Path) -> None:
    code, out, _ = run(clock, "runbooks", "--runbooks", str(nasty_dir), "stale")
    assert code == 0 and "team-k\n  a/placeholders  last reviewed 2026-01-02 (324 days)" in out
    clock.advance(minutes=60 * 24 * 200)
    code, out, _ = run(clock, "runbooks", "stale", "--json")
    assert {item["id"] for item in json.loads(out)} >= {"disk-full", "database-failover"}


def test_pin_tick_steps_suggest_via_cli(clock: Any, db_path: Path) -> None:
    db = str(db_path)
    code, out, _ = run(clock, "--db", db, "declare", "Disk full on db-3", "--sev", "2",
                       "--service", "postgres")  # fmt: skip
    assert code == 0
    code, out, _ = run(clock, "runbooks", "suggest", "INC-1", "--db", db)
    assert code == 0 and "disk-full" in out.splitlines()[0]
    assert run(clock, "runbooks", "pin", "INC-1", "disk-full", "--db", db)[0] == 0
    code, out, _ = run(clock, "runbooks", "tick", "INC-1", "disk-full", "2", "--db", db)
    assert code == 0 and "step 2 of Disk full done" in out
    code, out, _ = run(clock, "runbooks", "steps", "disk-full", "--incident", "INC-1", "--db", db)
    assert code == 0 and out.splitlines()[1].startswith("[x]  2.")
    code, _, err = run(clock, "runbooks", "tick", "INC-1", "disk-full", "99", "--db", db)
    assert code == 2 and "no step 99" in err
    code, out, _ = run(clock, "runbooks", "unpin", "INC-1", "disk-full", "--db", db)
    assert code == 0 and out.strip() == "unpinned disk-full from INC-1"
    code, _, err = run(clock, "runbooks", "unpin", "INC-1", "disk-full", "--db", db)
    assert code == 2 and "disk-full is not pinned to INC-1" in err


def test_subprocess_check_and_search_without_textual(tmp_path: Path, nasty_dir: Path) -> None:
    env = {**os.environ, "IRTUI_CACHE_DIR": str(tmp_path / "cache"),
           "IRTUI_CONFIG_DIR": str(tmp_path / "config")}  # fmt: skip
    exe = Path(sys.executable).parent / "irtui"
    done = subprocess.run([str(exe), "runbooks", "check", str(nasty_dir)], env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    probe = (
        "import sys, io\nfrom irtui.cli.main import main\n"
        "code = main(['runbooks', 'search', 'disk'])\n"
        "assert 'textual' not in sys.modules, 'runbooks CLI imported textual'\n"
        "import irtui.runbooks.library, irtui.runbooks.doc, irtui.runbooks.progress\n"
        "assert 'textual' not in sys.modules\nsys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "disk-full" in done.stdout


def test_bundled_library_shape(bundled_dir: Path) -> None:
    runbooks = load_dirs([bundled_dir])
    assert len(runbooks) >= 10
    for runbook in runbooks:
        fm = runbook.front_matter
        for key in ("title", "services", "alerts", "severity", "owner", "last_reviewed", "tags"):
            assert key in fm, (runbook.id, key)
        assert sections_present(runbook) == set(RECOMMENDED_SECTIONS), runbook.id
        assert len(runbook.steps) >= 5, runbook.id
        assert any(link.href.startswith("./") for link in runbook.links), runbook.id
    assert lint_paths([bundled_dir], date(2026, 11, 22)) == []


def test_show_accepts_a_file_path(clock: Any, nasty_dir: Path) -> None:
    code, out, _ = run(clock, "runbooks", "show", str(nasty_dir / "a" / "placeholders.md"))
    assert code == 0 and out.startswith("Placeholder runbook\n")
    assert "kubectl -n <namespace> logs <pod-name>" in out and "STALE: 324 days" in out
