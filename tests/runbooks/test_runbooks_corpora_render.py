"""Every real-world runbook indexes, searches and renders (the fast, non-UI render path);
placeholders survive rendering."""

from __future__ import annotations

from pathlib import Path

from irtui.runbooks.doc import build_document
from irtui.runbooks.index import RunbookIndex
from irtui.runbooks.lint import lint_runbooks
from irtui.runbooks.loader import load_dirs
from irtui.runbooks.render import display_markdown, plain_text

TODAY_ISO = "2026-11-22"


def test_every_real_runbook_indexes_searches_and_renders(
    tmp_path: Path, real_runbooks: tuple[str, list[Path]], nasty_dir: Path
) -> None:
    which, corpora = real_runbooks
    roots = [*corpora, nasty_dir]
    runbooks = load_dirs(roots)
    nasty = len(load_dirs([nasty_dir]))
    assert len(runbooks) == (12 + 11 if which == "sample" else 118 + 59) + nasty
    index = RunbookIndex(tmp_path / "i.sqlite")
    stats = index.refresh(roots)
    assert stats.total == len(runbooks) == index.count()
    for runbook in runbooks:
        document = build_document(runbook.body)  # never raises
        if runbook.body.strip() and not runbook.is_binary:
            assert document.blocks, runbook.id
        assert plain_text(runbook).startswith(runbook.title)
        if runbook.is_binary or runbook.is_section_index:
            continue
        # each runbook is findable by its own title words
        hits = index.search(f'title:"{runbook.title}"', limit=50)
        assert runbook.id in [h.id for h in hits], (runbook.id, runbook.title)
    from datetime import date

    problems = lint_runbooks(runbooks, date.fromisoformat(TODAY_ISO))  # never raises
    assert problems


def test_hugo_details_blocks_and_shortcodes_render_as_text(
    real_runbooks: tuple[str, list[Path]],
) -> None:
    prometheus = real_runbooks[1][0]
    runbooks = [rb for rb in load_dirs([prometheus]) if "<details>" in rb.body]
    assert runbooks, "the corpus has <details> blocks"
    for runbook in runbooks:
        shown = build_document(runbook.body).plain_text()
        assert "<details>" not in shown and "<summary>" not in shown
    with_shortcode = [rb for rb in load_dirs([prometheus]) if "{{<" in rb.body]
    assert with_shortcode, "the corpus has Hugo shortcodes"
    for runbook in with_shortcode:
        assert "{{<" not in build_document(runbook.body).plain_text()


def test_angle_bracket_placeholders_stay_visible_everywhere() -> None:
    source = (
        "Run kubectl -n <namespace> get pods <pod-name> and `kubectl -n <ns> x`.\n\n"
        "- a <service> item\n\n> quoted <thing>\n\n| col |\n|---|\n| <cell> |\n\n"
        "```sh\nkubectl logs <pod>\n```\n\n<details><summary>More</summary>\n\nhidden <x>\n"
        "</details>\n\nA link <https://example.com/a> and a < b and <br> break.\n"
    )
    shown = build_document(source).plain_text()
    for placeholder in (
        "<namespace>",
        "<pod-name>",
        "<ns>",
        "<service>",
        "<thing>",
        "<cell>",
        "<pod>",
        "<x>",
        "https://example.com/a",
        "a < b",
    ):
        assert placeholder in shown, placeholder
    assert "<details>" not in shown and "<br>" not in shown and "More" in shown
    prepared = display_markdown(source)
    assert "`kubectl -n <ns> x`" in prepared  # inline code is left byte for byte
    assert "kubectl logs <pod>\n" in prepared  # and so are fenced blocks


def test_document_structure_headings_code_links_and_tasks() -> None:
    doc = build_document(
        "# Title\n\n## Steps\n\n1. one\n2. two\n   - nested\n\n- [ ] task\n- [x] done\n\n"
        "```sql\nSELECT 1;\n```\n\n[next](./next.md)\n\n## Steps\n"
    )
    assert [(lvl, text, anchor) for lvl, text, _i, anchor in doc.headings] == [
        (1, "Title", "title"), (2, "Steps", "steps"), (2, "Steps", "steps-1"),
    ]  # fmt: skip
    assert doc.code_blocks == ["SELECT 1;\n"] and doc.links == ["./next.md"]
    prefixes = [b.prefix for b in doc.blocks if b.kind == "paragraph"]
    assert prefixes[:5] == ["1. ", "2. ", "• ", "☐ ", "☑ "]
    nested = next(b for b in doc.blocks if b.text == "nested")
    assert nested.indent == 3
