"""Fixtures for the runbook library tests: real-world runbooks and nasty files.

Two sizes of real runbooks: the small samples in `tests/fixtures/corpora/` (always there: a
bare clone tests on them) and the whole corpora in `../shared/corpora/` (118 Prometheus
runbook files, 59 Chinese translations). A test that needs the whole corpora skips, naming the
folder and how to get it, when `../shared` is absent (and fails in CI, which always has it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from irtui import paths
from tests.shared_material import fixture_path, shared_path

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 22)
"""Matches the `clock` fixture's 2026-11-22, so freshness checks are reproducible."""

PROMETHEUS = "prometheus-operator-runbooks"
KUBESPHERE = "kubesphere-alert-runbooks"


def shared_corpus(name: str) -> Path:
    return shared_path("corpora", name)


@pytest.fixture(scope="session")
def prometheus_corpus() -> Path:
    """All 118 files of the Prometheus runbooks (../shared)."""
    return shared_corpus(PROMETHEUS)


@pytest.fixture(scope="session")
def kubesphere_corpus() -> Path:
    """All 59 Chinese runbooks (../shared)."""
    return shared_corpus(KUBESPHERE)


@pytest.fixture(scope="session")
def prometheus_sample() -> Path:
    """12 real Prometheus runbook files (tests/fixtures): section indexes, Hugo shortcodes
    (with their link targets), `<details>` blocks and the extensionless file."""
    return fixture_path("corpora", PROMETHEUS)


@pytest.fixture(scope="session")
def kubesphere_sample() -> Path:
    """11 real Chinese runbooks (tests/fixtures) for CJK search."""
    return fixture_path("corpora", KUBESPHERE)


@pytest.fixture(params=["sample", "whole"])
def real_runbooks(request: pytest.FixtureRequest) -> tuple[str, list[Path]]:
    """Both real-world libraries: the fixtures' samples always, the whole corpora when
    ../shared is there. Returns (which, [prometheus, kubesphere])."""
    if request.param == "sample":
        names = ("prometheus_sample", "kubesphere_sample")
    else:
        names = ("prometheus_corpus", "kubesphere_corpus")
    return request.param, [request.getfixturevalue(name) for name in names]


@pytest.fixture
def bundled_dir() -> Path:
    return paths.bundled_runbooks_dir()


NASTY_YAML = """---
title: Broken header
services: [api
owner: someone
---

# Still readable

## Overview
The body must still load.
"""

PLACEHOLDERS = """---
title: Placeholder runbook
services: [k8s]
tags: [kubernetes]
last_reviewed: 2026-01-02
owner: team-k
---

# Placeholder runbook

## Investigation

1. Run `kubectl -n <namespace> get pods` first.
2. Then kubectl -n <namespace> describe pod <pod-name> outside code.

```sh
kubectl -n <namespace> logs <pod-name>
```

See [the other](../b/dup.md) and [missing](./nope.md).
"""


@pytest.fixture
def nasty_dir(tmp_path: Path) -> Path:
    """Malformed YAML, binary, empty, 1 MB, duplicate titles, same basename in two folders,
    placeholders, bad UTF-8, unclosed front matter, TOML front matter."""
    root = tmp_path / "nasty"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    (root / "broken-yaml.md").write_text(NASTY_YAML, encoding="utf-8")
    (root / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" + bytes(range(256)))
    (root / "empty.md").write_text("", encoding="utf-8")
    big_line = "Mitigation step: restart the frobnicator and check the widget queue. "
    body = "# Huge runbook\n\n## Overview\n\n" + (big_line * 16000)[: 1024 * 1024] + "\nneedle7\n"
    (root / "huge.md").write_text(body, encoding="utf-8")
    (root / "a" / "dup.md").write_text("# Same title\n\nfirst copy alpha\n", encoding="utf-8")
    (root / "b" / "dup.md").write_text("# Same title\n\nsecond copy beta\n", encoding="utf-8")
    (root / "a" / "placeholders.md").write_text(PLACEHOLDERS, encoding="utf-8")
    (root / "latin1.md").write_bytes("# Caf\xe9 runbook\n\nna\xefve text\n".encode("latin-1"))
    (root / "unclosed.md").write_text("---\ntitle: never closed\n\n# Body\n", encoding="utf-8")
    (root / "toml.md").write_text(
        '+++\ntitle = "Hugo TOML"\ntags = ["x"]\n+++\n\n# Heading\n', encoding="utf-8"
    )
    (root / "list-header.md").write_text("---\n- a\n- b\n---\n# Listy\n", encoding="utf-8")
    (root / "no-title.md").write_text("just words, no heading\n", encoding="utf-8")
    return root
