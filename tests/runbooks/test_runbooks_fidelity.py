"""What the viewer shows and copies is exactly what the runbook says.

Copy-exactness over every corpus file (each code block equals the source's, byte for byte,
and adds nothing: no backslash before a placeholder), HTML comments and raw tags never shown,
`<br>` in table cells, wide tables scroll, images as markers, `<details>` folds, title rules,
the path in the header, links by keyboard, and escape sequences never reaching the terminal.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from textual.widgets import Static

from irtui.cli.context import CliContext
from irtui.cli.main import main
from irtui.runbooks.doc import build_document
from irtui.runbooks.library import RunbookLibrary
from irtui.runbooks.loader import load_dirs, load_file
from irtui.tui.screens.runbooks import RunbookBrowserScreen, hit_prompt
from irtui.tui.widgets.runbook_viewer import RunbookViewer, clipboard_text
from tests.runbooks.test_runbooks_tui import TODAY, BrowserApp, rendered_text, settle

NESTED = (
    """---
title: Nested code
---
# Nested code

1. Scale it:

   ```sh
   kubectl -n <namespace> scale deploy/<app> --replicas=<n>
   ```

   - and nested deeper:

         kubectl -n <namespace> get pods -l app=<app>

2. Done.

A tab and a backslash, outside the list:

\tprintf 'a\\tb\\n' | grep -E '^<[a-z]+>$'

<!-- TODO: this comment must never be shown -->

| step | what |
|---|---|
| 1 | first line<br>second line |
| 2 | """
    + "a very wide cell " * 12
    + """|

![disk usage graph](./img/disk.png)
<img src="./img/arch.svg" alt="architecture">

<details>
<summary>Why this works</summary>

Folded text with `kubectl get <thing>`.

</details>

See [the rollback](./rollback.md).
"""
)


def reference_code_blocks(body: str) -> list[str]:
    """Code blocks as CommonMark defines them, parsed independently of irtui."""
    tokens = MarkdownIt("commonmark").enable(["table"]).parse(body)
    return [t.content for t in tokens if t.type in ("fence", "code_block")]


def test_every_corpus_code_block_is_copied_byte_for_byte(
    prometheus_corpus: Path, kubesphere_corpus: Path, bundled_dir: Path
) -> None:
    checked = 0
    for runbook in load_dirs([prometheus_corpus, kubesphere_corpus, bundled_dir]):
        document = build_document(runbook.body)
        raw = runbook.path.read_text(encoding="utf-8", errors="replace")
        assert document.code_blocks == reference_code_blocks(runbook.body), runbook.id
        for block in document.code_blocks:
            for line in block.splitlines():
                assert line in raw, (runbook.id, line)  # nothing added (no "\\<")
            checked += 1
        shown = "\n".join(b.prefix + b.text for b in document.blocks if b.kind != "code")
        assert "<!--" not in shown and "<details" not in shown and "<summary" not in shown
        assert not re.search(r"<br\s*/?>", shown) and "{{<" not in shown, runbook.id
    assert checked >= 100


def test_nested_indented_tabs_comments_tables_images_details() -> None:
    document = build_document(NESTED.split("---\n", 2)[2])
    assert (
        document.code_blocks
        == reference_code_blocks(NESTED)
        == [
            "kubectl -n <namespace> scale deploy/<app> --replicas=<n>\n",
            "kubectl -n <namespace> get pods -l app=<app>\n",
            "printf 'a\\tb\\n' | grep -E '^<[a-z]+>$'\n",
        ]
    )
    shown = document.plain_text()
    assert "TODAY" not in shown and "comment must never" not in shown
    table = next(b for b in document.blocks if b.kind == "table").text.splitlines()
    assert any(line.startswith("1    │ first line") for line in table)
    assert any(line.startswith("     │ second line") for line in table)
    assert "a very wide cell " * 3 in "".join(table)  # wrapped in its column, nothing cut
    assert "[image: disk usage graph → ./img/disk.png]" in shown
    assert "[image: architecture → ./img/arch.svg]" in shown
    assert document.images == [("disk usage graph", "./img/disk.png"),
                               ("architecture", "./img/arch.svg")]  # fmt: skip
    summary = next(b for b in document.blocks if b.kind == "summary")
    folded = next(b for b in document.blocks if "Folded text" in b.text)
    assert summary.text == "Why this works" and folded.groups == (summary.group,)


def test_title_rules(tmp_path: Path) -> None:
    def title_of(rel: str, text: str) -> tuple[str, str]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        runbook = load_file(path, tmp_path)
        return runbook.title, runbook.title_source

    assert title_of("a.md", "---\ntitle: From front matter\n---\n# H1\n") == (
        "From front matter", "front_matter")  # fmt: skip
    assert title_of("b.md", "## Steps to check\n\n# Real title\n") == ("Real title", "heading")
    assert title_of("c.md", "# Table of Contents\n\n## Steps to check\n") == ("c", "filename")
    assert title_of("kafka/README.md", "## Troubleshooting\n\ntext\n") == ("kafka", "filename")
    assert title_of("d.md", "# `KubeDown` **now**\n") == ("KubeDown now", "heading")
    assert title_of("e.md", "# evil \x1b]0;pwned\x07 title\n")[0] == "evil ␛]0;pwned� title"


async def test_viewer_keys_fold_links_wide_tables_path_and_copy(tmp_path: Path) -> None:
    root = tmp_path / "team"
    (root / "db").mkdir(parents=True)
    (root / "db" / "README.md").write_text(NESTED, encoding="utf-8")
    (root / "db" / "rollback.md").write_text("# Rollback\n\nUndo it.\n", encoding="utf-8")
    library = RunbookLibrary([root], tmp_path / "i.sqlite")
    screen = RunbookBrowserScreen(library=library, today=TODAY)
    app = BrowserApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await screen.open_runbook("db/README")
        await pilot.pause()
        viewer = screen.query_one(RunbookViewer)
        viewer.focus_body()
        header = str(viewer.query_one("#rb-header", Static).render())
        assert "team/db/README.md" in header  # which README this is
        text = rendered_text(viewer)
        assert "Why this works" in text and "Folded text" not in text  # folded, as on GitHub
        assert "\\<" not in text, text[text.find("\\<") - 80 :][:120]
        assert "kubectl -n <namespace>" in text and "--replicas=<n>" in text
        view = viewer.doc_view
        assert view.virtual_size.width > view.scrollable_content_region.width  # wide table
        await pilot.press("right", "right", "right")
        assert view.scroll_x > 0
        await pilot.press("l")  # the fold comes first
        await pilot.press("enter")
        await pilot.pause()
        assert "Folded text" in rendered_text(viewer)
        for number in range(3):  # every code block, copied exactly
            await pilot.press("n" if number else "c")
            if number:
                await pilot.press("c")
            await pilot.pause()
        assert app.copied[-3:] == [b.rstrip("\n") for b in viewer.code_blocks()]
        await pilot.press("l")  # next target: the link
        await pilot.press("enter")
        await settle(app, pilot)
        assert viewer.runbook is not None and viewer.runbook.id == "db/rollback"


ESCAPES = "\x1b]0;pwned\x07 \x1b[2J \x1b]52;c;ZXZpbA==\x07 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"


def hostile_library(tmp_path: Path) -> Path:
    root = tmp_path / "hostile"
    root.mkdir()
    (root / "esc.md").write_text(
        f"---\ntitle: 'Esc {ESCAPES}'\n---\n# Esc {ESCAPES}\n\n## Steps {ESCAPES}\n\n"
        f"1. step {ESCAPES}\n\nescape words {ESCAPES}\n\n```\necho {ESCAPES}\n```\n",
        encoding="utf-8",
    )
    return root


async def test_escape_sequences_never_reach_the_terminal_tui(tmp_path: Path) -> None:
    library = RunbookLibrary([hostile_library(tmp_path)], tmp_path / "i.sqlite")
    screen = RunbookBrowserScreen(library=library, today=TODAY, query="escape words")
    app = BrowserApp(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert screen.hits
        assert "\x1b" not in hit_prompt(screen.hits[0]).plain
        await screen.open_runbook("esc")
        await pilot.pause()
        viewer = screen.query_one(RunbookViewer)
        assert "\x1b" not in rendered_text(viewer) and "␛" in rendered_text(viewer)
        assert "\x1b" not in str(viewer.query_one("#rb-header", Static).render())
        assert all("\x1b" not in line.plain for line in viewer.doc_view._lines)
        viewer.focus_body()
        await pilot.press("c")
        await pilot.pause()
        assert "\x1b" not in app.copied[-1] and app.copied[-1].startswith("echo ")
    assert clipboard_text("a\tb\x1b[201~rm -rf\r\n\x07") == ("a\tbrm -rf\n", 2)


def test_escape_sequences_never_reach_the_terminal_cli(tmp_path: Path, clock: Any) -> None:
    root = hostile_library(tmp_path)
    for argv in (
        ["runbooks", "--runbooks", str(root), "show", "esc"],
        ["runbooks", "--runbooks", str(root), "search", "escape", "--explain"],
        ["runbooks", "--runbooks", str(root), "steps", "esc"],
        ["runbooks", "check", str(root)],
    ):
        out, err = io.StringIO(), io.StringIO()
        ctx = CliContext(None, clock=clock, out=out, err=err)  # type: ignore[arg-type]
        main(argv, ctx=ctx)
        assert "\x1b" not in out.getvalue() + err.getvalue(), argv
        assert "check" in argv or "␛" in out.getvalue(), argv


def test_global_runbooks_option_before_the_sub_command(tmp_path: Path, clock: Any) -> None:
    root = tmp_path / "team"
    root.mkdir()
    (root / "zebra-crossing.md").write_text("# Zebra crossing\n\nstripes\n", encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "yak-shaving.md").write_text("# Yak shaving\n\nstripes too\n", encoding="utf-8")
    for argv in (
        ["--runbooks", str(root), "runbooks", "search", "stripes"],
        ["runbooks", "--runbooks", str(root), "search", "stripes"],
        ["runbooks", "search", "stripes", "--runbooks", str(root)],
    ):
        out = io.StringIO()
        ctx = CliContext(None, clock=clock, out=out, err=io.StringIO())  # type: ignore[arg-type]
        assert main(argv, ctx=ctx) == 0, argv
        assert "zebra-crossing" in out.getvalue(), argv
    out = io.StringIO()
    ctx = CliContext(None, clock=clock, out=out, err=io.StringIO())  # type: ignore[arg-type]
    argv = ["--runbooks", str(root), "runbooks", "--runbooks", str(other), "search", "stripes"]
    assert main(argv, ctx=ctx) == 0
    assert "zebra-crossing" in out.getvalue() and "yak-shaving" in out.getvalue()


def test_no_sub_command_redefines_a_global_option_with_a_default() -> None:
    """argparse copies a sub-command's namespace over its parent's: a sub-parser option that
    shares a global's `dest` and has a default silently drops the value given before it."""
    import argparse

    from irtui.cli.main import build_parser

    offenders = []

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*path, name])
            elif (
                path
                and action.dest in {"db", "policy", "as_", "runbooks"}
                and action.default is not argparse.SUPPRESS
            ):
                offenders.append((path, action.dest))

    walk(build_parser(), [])
    assert offenders == []
