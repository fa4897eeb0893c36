"""Fixtures for the runbook library tests: the shared real-world corpora and nasty files.

The corpora live in `../shared/corpora/` beside the project (CI clones it there). A missing
corpus is a setup error, so tests fail loudly instead of skipping silently.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from irtui import paths
from tests.shared_material import shared_path

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 22)
"""Matches the `clock` fixture's 2026-11-22, so freshness checks are reproducible."""


def shared_corpus(name: str) -> Path:
    return shared_path("corpora", name)


@pytest.fixture(scope="session")
def prometheus_corpus() -> Path:
    return shared_corpus("prometheus-operator-runbooks")


@pytest.fixture(scope="session")
def kubesphere_corpus() -> Path:
    return shared_corpus("kubesphere-alert-runbooks")


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
