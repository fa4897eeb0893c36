"""Loading runbooks: front matter, titles, ids, steps, links, and files that fight back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from irtui.runbooks.frontmatter import split_front_matter
from irtui.runbooks.loader import discover, load_dirs, load_file, parse_runbook
from irtui.runbooks.mdscan import extract_headings, strip_shortcodes


def by_id(root: Path) -> dict:
    return {rb.id: rb for rb in load_dirs([root])}


def test_yaml_front_matter_keeps_unknown_keys_and_parses_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text(
        "---\ntitle: DB failover\nservices: [postgres, api]\nalerts: PgDown, PgLag\n"
        "severity: SEV1\nowner: [dba, sre]\nlast_reviewed: 2026-09-01\ntags: [db]\n"
        "weight: 20\ncustom:\n  nested: yes\n---\n\n# Ignored heading\n\n1. first\n"
        "2. second\n",
        encoding="utf-8",
    )
    rb = load_file(path, tmp_path)
    assert rb.title == "DB failover" and rb.title_source == "front_matter"
    assert rb.services == ["postgres", "api"] and rb.alerts == ["PgDown", "PgLag"]
    assert rb.owner == "dba, sre" and rb.severity == "SEV1" and rb.tags == ["db"]
    assert rb.last_reviewed == date(2026, 9, 1)
    assert rb.front_matter["weight"] == 20 and rb.front_matter["custom"] == {"nested": True}
    assert [s.text for s in rb.steps] == ["first", "second"]
    assert rb.steps[0].line == 16 and rb.problems == []  # a file line, not a body line


def test_title_falls_back_to_heading_then_file_name(tmp_path: Path) -> None:
    (tmp_path / "with-heading.md").write_text("intro\n\nSetext Title\n====\n", encoding="utf-8")
    (tmp_path / "bare-name.md").write_text("no heading at all\n", encoding="utf-8")
    books = by_id(tmp_path)
    assert books["with-heading"].title == "Setext Title"
    assert books["with-heading"].title_source == "heading"
    assert books["bare-name"].title == "bare-name"
    assert books["bare-name"].title_source == "filename"


def test_malformed_yaml_is_reported_with_file_line_and_body_still_loads(nasty_dir: Path) -> None:
    rb = load_file(nasty_dir / "broken-yaml.md", nasty_dir)
    assert rb.title == "Still readable"  # the body is not lost
    problem = rb.problems[0]
    assert problem.code == "front-matter" and "invalid YAML" in problem.message
    assert 2 <= problem.line <= 5  # inside the header, counted in the file
    assert problem.format().startswith(f"{nasty_dir / 'broken-yaml.md'}:{problem.line}: ")


def test_nasty_files_never_raise_and_are_flagged(nasty_dir: Path) -> None:
    books = by_id(nasty_dir)
    assert books["binary"].is_binary and "binary" in books["binary"].problems[0].message
    assert books["empty"].body == "" and books["empty"].title == "empty"
    assert books["huge"].path.stat().st_size >= 1024 * 1024
    assert books["huge"].body.rstrip().endswith("needle7")
    assert any("UTF-8" in p.message for p in books["latin1"].problems)
    assert "\ufffd" in books["latin1"].body
    assert "never closed" in books["unclosed"].problems[0].message
    assert books["toml"].title == "Hugo TOML" and books["toml"].tags == ["x"]
    assert "mapping" in books["list-header"].problems[0].message
    assert books["list-header"].title == "Listy"


def test_same_basename_in_two_folders_and_duplicate_titles_stay_distinct(nasty_dir: Path) -> None:
    books = by_id(nasty_dir)
    assert {"a/dup", "b/dup"} <= set(books)
    assert books["a/dup"].title == books["b/dup"].title == "Same title"
    assert "alpha" in books["a/dup"].body and "beta" in books["b/dup"].body


def test_same_id_in_two_roots_keeps_both(tmp_path: Path) -> None:
    one, two = tmp_path / "team", tmp_path / "bundled"
    one.mkdir()
    two.mkdir()
    (one / "disk-full.md").write_text("# Ours\n", encoding="utf-8")
    (two / "disk-full.md").write_text("# Theirs\n", encoding="utf-8")
    ids = discover([one, two])
    assert ids["disk-full"][0] == one / "disk-full.md"  # the first folder wins the plain id
    assert ids["bundled/disk-full"][0] == two / "disk-full.md"


def test_hugo_front_matter_shortcodes_and_extensionless_file(
    real_runbooks: tuple[str, list[Path]],
) -> None:
    which, (prometheus, _kubesphere) = real_runbooks
    books = by_id(prometheus)
    # the sample: 12 of the corpus' 118 files, 4 of its 9 section indexes (tests/fixtures)
    files, indexes = (12, 4) if which == "sample" else (118, 9)
    assert len(books) == files
    extless = [rb for rb in books.values() if rb.path.suffix == ""]
    assert extless and extless[0].path.name == "PrometheusOperatorSyncFailed"
    crash = books["content/runbooks/kubernetes/KubePodCrashLooping"]
    assert crash.alerts == ["KubePodCrashLooping"]  # implied by the alert-named heading
    assert crash.front_matter.get("title")
    hidden = [rb for rb in books.values() if rb.is_section_index]
    assert len(hidden) == indexes
    assert all(not rb.problems for rb in books.values()), [
        p.format() for rb in books.values() for p in rb.problems
    ]


def test_shortcodes_and_headings_helpers() -> None:
    assert strip_shortcodes('see {{< ref "other.md" >}} and {{< hint >}}x{{< /hint >}}') == (
        "see other.md and x"
    )
    heads = extract_headings("# A\n\n```\n# not a heading\n```\n\n## A\n", 10)
    assert [(h.level, h.text, h.line, h.anchor) for h in heads] == [
        (1, "A", 10, "a"), (2, "A", 16, "a-1"),
    ]  # fmt: skip


def test_split_front_matter_variants() -> None:
    assert split_front_matter("").body == ""
    assert split_front_matter("\ufeff---\ntitle: x\n---\nbody").data == {"title": "x"}
    fm = split_front_matter("---\n: : bad\n---\nbody\n")
    assert fm.problems and fm.body == "body\n"


def test_parse_runbook_steps_tasks_and_links(tmp_path: Path) -> None:
    text = (
        "# T\n\n## Mitigation\n\n- [ ] drain node\n  continued line\n- [x] done already\n"
        "\n```\n1. not a step\n```\n\n3. numbered\n\n[rel](./other.md) [ext](https://x.y)\n"
    )
    rb = parse_runbook(text, tmp_path / "t.md", tmp_path)
    assert [(s.number, s.text, s.kind, s.checked_in_source) for s in rb.steps] == [
        (1, "drain node continued line", "task", False),
        (2, "done already", "task", True),
        (3, "numbered", "numbered", False),
    ]
    assert rb.steps[0].section == "Mitigation"
    assert [link.href for link in rb.links] == ["./other.md", "https://x.y"]


def test_step_text_drops_inline_markup_but_keeps_placeholders(tmp_path: Path) -> None:
    from irtui.runbooks.checklist import plain_inline

    rb = parse_runbook(
        "1. Scale *down*: `kubectl -n <namespace> scale deploy/<app>` per "
        "[Deploy rollback](./deploy-rollback.md), **now**; keep snake_case and 2 * 3.\n",
        tmp_path / "s.md", tmp_path,
    )  # fmt: skip
    assert rb.steps[0].text == (
        "Scale down: kubectl -n <namespace> scale deploy/<app> per Deploy rollback, now; "
        "keep snake_case and 2 * 3."
    )
    assert plain_inline("`a*b*c` and _x_") == "a*b*c and x"
