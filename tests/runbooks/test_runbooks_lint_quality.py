"""The linter people leave on: zero findings on clean real corpora by default, and every
seeded defect class found (and nothing else) in a copy of one with defects planted."""

from __future__ import annotations

import os
import shutil
import time
from datetime import date
from pathlib import Path

from irtui.runbooks.lint import lint_paths
from irtui.runbooks.loader import load_file

TODAY = date(2026, 11, 22)
BOMB = (
    "---\ntitle: bomb\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e]\n"
    "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n---\n# Bomb\n\nbody\n"
)


def test_clean_corpora_have_no_findings(
    real_runbooks: tuple[str, list[Path]], bundled_dir: Path
) -> None:
    for root in (*real_runbooks[1], bundled_dir):
        assert lint_paths([root], TODAY) == [], root


def test_every_seeded_defect_class_is_found(tmp_path: Path, prometheus_sample: Path) -> None:
    """On a copy of the real sample (tests/fixtures): every clone runs it."""
    root = tmp_path / "lib"
    shutil.copytree(prometheus_sample / "content" / "runbooks", root)
    node = root / "node"

    def plant(name: str, text: str) -> Path:
        path = node / name
        path.write_text(text, encoding="utf-8")
        return path

    plant("DeadLink.md", "# DeadLink\n\nSee [gone](./NoSuchRunbook.md).\n")
    plant("Typo.md", "# Typo\n\nSee [clock](./NodeClockSkewDetectd.md).\n")
    plant("CaseLink.md", "# CaseLink\n\nSee [raid](./noderaiddegraded.md).\n")
    plant("DeadImage.md", "# DeadImage\n\n![graph of disk](./img/missing.png)\n"
          '<img src="./img/also-missing.png" alt="x">\n')  # fmt: skip
    plant("Anchor.md", "# Anchor\n\n## Steps\n\nSee [x](#no-such-section) and "
          "[y](./NodeRAIDDegraded.md#nope) and [z](#steps).\n")  # fmt: skip
    plant("Empty.md", "")
    plant("NoTitle.md", "Just words and no heading.\n")
    plant("BadHeader.md", "---\ntitle: [unclosed\n---\n# BadHeader\n")
    plant("Bomb.md", BOMB)
    plant("Stale.md", "---\ntitle: Stale\nlast_reviewed: 2025-01-01\n---\n# Stale\n")
    plant("Commented.md", "# Commented\n\n<!-- [old](./Gone.md) -->\nfine\n")
    (node / "passwd.md").symlink_to("/etc/passwd")
    started = time.perf_counter()
    problems = lint_paths([root], TODAY)
    assert time.perf_counter() - started < 20  # the alias bomb fails fast
    found = {(p.path.name, p.code) for p in problems}
    assert found == {
        ("DeadLink.md", "dead-link"), ("Typo.md", "dead-link"), ("CaseLink.md", "dead-link"),
        ("DeadImage.md", "dead-image"), ("Anchor.md", "anchor"), ("Empty.md", "empty"),
        ("NoTitle.md", "title"), ("BadHeader.md", "front-matter"), ("Bomb.md", "front-matter"),
        ("Stale.md", "stale"), ("passwd.md", "symlink"),
    }, sorted(found)  # fmt: skip
    messages = {p.message for p in problems}
    assert any("did you mean node/NodeClockSkewDetected" in m for m in messages)
    assert any("did you mean node/NodeRAIDDegraded" in m for m in messages)
    assert sum(1 for p in problems if p.code == "dead-image") == 2
    assert sum(1 for p in problems if p.code == "anchor") == 2
    bomb = next(p for p in problems if p.path.name == "Bomb.md")
    assert "aliases" in bomb.message and bomb.line == 3  # file:line of the first anchor
    # the opt-in rule set, from the library's own settings file
    (root / "irtui-runbooks.yaml").write_text(
        "lint:\n  recommended_sections:\n    mitigation: [mitigation]\n", encoding="utf-8"
    )
    sections = [p for p in lint_paths([root], TODAY) if p.code == "sections"]
    assert sections and all("mitigation" in p.message for p in sections)
    (root / "irtui-runbooks.yaml").write_text("lint:\n  recommended_sections: nope\n")
    config = [p for p in lint_paths([root], TODAY) if p.code == "config"]
    assert config and config[0].line == 2 and "unknown preset" in config[0].message


def test_symlinks_inside_the_root_are_followed_outside_never(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "real.md").write_text("# Real\n", encoding="utf-8")
    (root / "alias.md").symlink_to(root / "real.md")
    (root / "escape.md").symlink_to("/etc/passwd")
    os.symlink("/etc", root / "etc-dir")
    os.mkfifo(root / "pipe")  # opening a FIFO blocks: never opened, never sniffed
    os.mkfifo(root / "pipe.md")
    (root / "empty-no-suffix").write_text("")
    from irtui.runbooks.walk import discover

    found = discover([root])
    assert set(found.files) == {"alias", "real"}
    assert discover([Path("/proc")]).files == {}  # kernel interfaces are never walked
    assert sorted(Path(p).name for p, _why in found.skipped) == ["escape.md", "etc-dir"]
    assert load_file(root / "real.md", root).title == "Real"
