"""The FTS5 index: incremental refresh, ranking, snippets, CJK, field filters, robustness."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from irtui.runbooks.index import RunbookIndex, clean_snippet, parse_query
from irtui.runbooks.library import RunbookLibrary


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_incremental_refresh_by_mtime_and_size(tmp_path: Path) -> None:
    root = tmp_path / "rb"
    a = write(root / "a.md", "# Alpha\n\nfirst body\n")
    write(root / "b.md", "# Beta\n\nsecond body\n")
    index = RunbookIndex(tmp_path / "idx.sqlite")
    first = index.refresh([root])
    assert (first.added, first.updated, first.removed, first.unchanged) == (2, 0, 0, 0)
    again = index.refresh([root])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    write(a, "# Alpha\n\nchanged body with zebra\n")
    os.utime(a, ns=(a.stat().st_atime_ns, a.stat().st_mtime_ns + 10_000_000))
    (root / "b.md").unlink()
    write(root / "c.md", "# Gamma\n")
    third = index.refresh([root])
    assert (third.added, third.updated, third.removed, third.unchanged) == (1, 1, 1, 0)
    assert [h.id for h in index.search("zebra")] == ["a"]
    assert index.search("second") == []
    index.close()
    # the cache survives a restart and is reused
    reopened = RunbookIndex(tmp_path / "idx.sqlite")
    assert reopened.refresh([root]).unchanged == 2
    reopened.close()


def test_ranking_weights_title_and_alerts_over_body(tmp_path: Path) -> None:
    root = tmp_path / "rb"
    write(root / "mentions.md", "# Something else\n\n" + "kafka lag mentioned. " * 5 + "\n")
    write(root / "titled.md", "---\ntitle: Kafka consumer lag\n---\nbody text\n")
    write(root / "alerted.md", "---\ntitle: Other\nalerts: [KafkaLagHigh]\n---\nbody\n")
    index = RunbookIndex(tmp_path / "i.sqlite")
    index.refresh([root])
    ids = [h.id for h in index.search("kafka")]
    assert ids[0] == "titled" and ids[-1] == "mentions" and len(ids) == 3
    hit = index.search("mentioned")[0]
    start, end = hit.highlights[0]
    assert hit.snippet[start:end].lower() == "mentioned"


def test_field_filters_and_prefix_matching(tmp_path: Path) -> None:
    root = tmp_path / "rb"
    write(root / "pg.md", "---\ntitle: PG\nservices: [postgres]\ntags: [database]\n---\nx\n")
    write(root / "web.md", "---\ntitle: Web\nservices: [nginx]\n---\npostgres mentioned\n")
    index = RunbookIndex(tmp_path / "i.sqlite")
    index.refresh([root])
    assert [h.id for h in index.search("service:postgres")] == ["pg"]
    assert {h.id for h in index.search("postgres")} == {"pg", "web"}
    assert [h.id for h in index.search("tag:datab")] == ["pg"]  # partial word while typing
    assert [h.id for h in index.search("title:web")] == ["web"]
    assert parse_query('service:db "two words" ns:pod')[1].text == "two words"
    assert parse_query("ns:pod")[0].text == "ns:pod"  # unknown prefixes stay text


def test_cjk_long_and_short_queries(tmp_path: Path, kubesphere_sample: Path) -> None:
    index = RunbookIndex(tmp_path / "i.sqlite")
    index.refresh([kubesphere_sample])
    long_hits = index.search("节点状态")
    assert long_hits and all("节点状态" in h.snippet for h in long_hits[:3])
    short_hits = index.search("节点")  # two characters: below the trigram minimum
    assert len(short_hits) >= len(long_hits) >= 1
    single = index.search("证")  # one character
    assert single and all("证" in h.snippet for h in single)
    assert index.search("证书")[0].id.endswith("CertificateExpiration")
    mixed = index.search("Pod 内存")
    assert mixed and all("内存" in h.snippet for h in mixed)


def test_hostile_queries_never_raise(tmp_path: Path, bundled_dir: Path) -> None:
    index = RunbookIndex(tmp_path / "i.sqlite")
    index.refresh([bundled_dir])
    for query in [
        '"',
        "AND",
        "OR NOT",
        "*",
        "a*b",
        "NEAR(x y)",
        "col:",
        ":",
        "'",
        "%",
        "_",
        "\\",
        "(((",
        "[/foo]",
        "x [/ y",
        "\x00",
        "🔥",
        "-",
        "^",
        "title:",
    ]:
        assert isinstance(index.search(query), list), query
    percent = index.search("%", limit=100)  # LIKE wildcards are escaped: a literal match
    assert percent and len(percent) < index.count()
    assert all("%" in hit.snippet for hit in percent)


def test_corrupt_cache_file_is_rebuilt_and_unwritable_falls_back_to_memory(
    tmp_path: Path, bundled_dir: Path
) -> None:
    from irtui import paths

    bad = paths.cache_dir() / "runbooks.sqlite"  # irtui's own cache: rebuilt in place
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"this is not a database" * 100)
    index = RunbookIndex(bad)
    assert index.refresh([bundled_dir]).added >= 10
    assert sqlite3.connect(bad).execute("SELECT count(*) FROM files").fetchone()[0] >= 10
    index.close()
    notes = tmp_path / "notes.db"  # --index at someone's file: never deleted, memory instead
    notes.write_bytes(b"my notes, not a database" * 100)
    before = notes.read_bytes()
    foreign = RunbookIndex(notes)
    assert foreign.path == ":memory:" and foreign.refresh([bundled_dir]).added >= 10
    assert notes.read_bytes() == before
    foreign.close()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    memory = RunbookIndex(blocker / "sub" / "idx.sqlite")  # parent is a file: cannot create
    assert memory.path == ":memory:" and memory.refresh([bundled_dir]).added >= 10


def test_empty_query_lists_everything_and_snippet_cleaning(
    tmp_path: Path, bundled_dir: Path
) -> None:
    index = RunbookIndex(tmp_path / "i.sqlite")
    index.refresh([bundled_dir])
    assert len(index.search("", limit=100)) == index.count() >= 10
    text, spans = clean_snippet("a\n\n \x02hit\x03  b \x02two\x03")
    assert text == "a hit b two" and [text[s:e] for s, e in spans] == ["hit", "two"]


def test_library_find_resolve_and_index_default_location(bundled_dir: Path) -> None:
    library = RunbookLibrary.from_config()  # bundled dir, index in the (test) cache dir
    try:
        assert library.index.path.endswith("runbooks.sqlite")
        assert "IRTUI_CACHE_DIR" in os.environ and os.environ["IRTUI_CACHE_DIR"] in (
            library.index.path
        )
        assert library.resolve("disk-full").title == "Disk full"
        assert library.resolve("Disk full").id == "disk-full"
        assert library.resolve("NodeFilesystemAlmostOutOfSpace").id == "disk-full"
        assert library.resolve_link("high-latency", "./memory-leak-oom.md") == "memory-leak-oom"
    finally:
        library.close()


def test_runbook_dirs_from_cli_env_and_config(
    tmp_path: Path, monkeypatch, bundled_dir: Path
) -> None:
    from irtui import paths
    from irtui.runbooks.dirs import RunbookDirsError, resolve_dirs

    cli, env1, env2, conf = (tmp_path / n for n in ("cli", "env1", "env2", "conf"))
    for folder in (cli, env1, env2, conf):
        folder.mkdir()
    monkeypatch.setenv("IRTUI_RUNBOOKS", os.pathsep.join([str(env1), str(env2)]))
    config = paths.config_dir() / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"runbooks:\n  - {conf}\n  - relative-missing\n", encoding="utf-8")
    dirs = resolve_dirs([str(cli)])
    assert dirs == [cli, env1, env2, conf, bundled_dir]
    try:
        resolve_dirs([str(tmp_path / "typo")])
    except RunbookDirsError as exc:
        assert "typo" in str(exc)
    else:  # pragma: no cover - the assertion below documents the failure
        raise AssertionError("a missing --runbooks folder must be an error")
    config.write_text("runbooks: 5\n", encoding="utf-8")
    try:
        resolve_dirs([])
    except RunbookDirsError as exc:
        assert "must be a list" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("a bad config value must be an error")


ROUNDS = 50


def _refresher(
    folder: str, roots: list[str], barrier: Any, results: Any, worker: int
) -> None:  # pragma: no cover - runs in a child process
    """One real process: for each round, wait until every process is ready, then open the
    round's *cold* cache and refresh it, all at once with the others."""
    from irtui.runbooks.index import RunbookIndex

    for number in range(ROUNDS):
        barrier.wait(timeout=60)
        try:
            index = RunbookIndex(Path(folder) / f"round-{number}.sqlite")
            index.refresh([Path(r) for r in roots])
            results.put((worker, number, index.count(), ""))
            index.close()
        except BaseException as exc:  # reported to the parent, asserted there
            results.put((worker, number, -1, repr(exc)))


def test_two_processes_refreshing_one_cache_at_once(tmp_path: Path) -> None:
    """Two irtui processes starting together on a cold cache must not trip over each other
    (they once dropped each other's tables: `no such table: files`).

    Deterministic: real processes, released together by a barrier before each of 50 rounds,
    each round on a fresh (cold) cache file; every open and refresh in every round must
    succeed and agree.
    """
    import multiprocessing

    library = tmp_path / "library"  # small: the race is in creating the schema, not in parsing
    for name in ("a", "b", "c"):
        write(library / f"{name}.md", f"# Runbook {name}\n\n1. step\n")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    processes = [
        context.Process(
            target=_refresher, args=(str(tmp_path), [str(library)], barrier, results, n)
        )
        for n in range(2)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * ROUNDS)]
    for process in processes:
        process.join(60)
    errors = [o for o in outcomes if o[3]]
    assert errors == []
    counts = {count for _worker, _round, count, _error in outcomes}
    assert len(outcomes) == 2 * ROUNDS and counts == {3}
    assert all(process.exitcode == 0 for process in processes)
