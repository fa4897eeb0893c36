"""Opening a store refuses, before anything is written, what is not an irtui store or is
damaged, and says what is actually wrong (issue 13, items 5, 6 and 12).

Every refusal is checked three ways: the message (names the file, says what to do), the exit
code (2 for what the user can fix by pointing elsewhere) and the bytes on disk (unchanged, no
companion files grown beside someone else's database).
"""

from __future__ import annotations

import hashlib
import os
import resource
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from irtui.store.db import APPLICATION_ID, QUICK_CHECK_MAX_BYTES
from irtui.store.errors import (
    CorruptStoreError,
    NotAStoreError,
    StoreIOError,
    StoreLocationError,
    StoreUnwritableError,
)
from irtui.store.repo import Store
from tests.cli_runner import Cli


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def make_store(path: Path, clock, entries: int = 40) -> None:
    with Store.open(path, clock=clock) as s:
        inc = s.declare("payments down", 1)
        for n in range(entries):
            s.log(inc.id, f"entry {n} " + "x" * 300)
        s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def run_cli(*argv: str, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irtui", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        **kw,
    )


# --- damaged stores ------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [1000, 3 * 4096], ids=["mid-page", "whole-pages"])
def test_a_truncated_store_is_refused_before_any_write(tmp_path: Path, clock, cut: int) -> None:
    path = tmp_path / "s.db"
    make_store(path, clock)
    path.write_bytes(path.read_bytes()[:-cut])
    before = digest(path)
    cli = Cli(path, clock)
    for argv in (("log", "1", "hello"), ("list",), ("show", "1")):
        code, out, err = cli(*argv)
        assert code == 2, (argv, err)
        assert out == ""
        assert str(path) in err and "damaged" in err and ".recover" in err
        assert "Traceback" not in err
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists()


def test_damaged_pages_in_a_small_store_are_caught_by_quick_check(tmp_path: Path, clock) -> None:
    path = tmp_path / "s.db"
    make_store(path, clock, entries=200)
    assert path.stat().st_size <= QUICK_CHECK_MAX_BYTES
    data = bytearray(path.read_bytes())
    for offset in range(3 * 4096 + 100, len(data), 4096):  # inside pages, header intact
        data[offset : offset + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(CorruptStoreError, match=r"looks damaged .*\.recover"):
        Store.open(path, clock=clock)
    assert digest(path) == before


# --- files that are not irtui's ---------------------------------------------------------------


def test_another_programs_database_is_not_touched_at_all(tmp_path: Path) -> None:
    path = tmp_path / "music.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE songs (title TEXT)")
    con.execute("INSERT INTO songs VALUES ('x')")
    con.commit()
    con.close()
    before, files = digest(path), listing(tmp_path)
    code, _, err = Cli(path, None)("log", "1", "x")
    assert code == 2 and "not an irtui store" in err and "songs" in err
    assert digest(path) == before  # header included: no WAL switch happened
    assert listing(tmp_path) == files  # no -wal, -shm or -journal grown beside it


def test_an_empty_sqlite_file_of_another_program_does_not_become_a_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 7")  # a valid header, no tables
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(NotAStoreError, match="empty SQLite database made by another program"):
        Store.open(path)
    assert digest(path) == before


def test_an_empty_file_the_user_named_becomes_a_store(tmp_path: Path, clock) -> None:
    path = tmp_path / "new.db"
    path.touch()
    with Store.open(path, clock=clock) as s:
        s.declare("x", 2)
        assert s.db.scalar("PRAGMA application_id") == APPLICATION_ID


def test_a_store_whose_creation_was_interrupted_is_finished(tmp_path: Path, clock) -> None:
    path = tmp_path / "half.db"
    con = sqlite3.connect(path)  # what a crash right after the first step leaves behind
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.commit()
    con.close()
    with Store.open(path, clock=clock) as s:
        assert s.declare("x", 2).id == "INC-1"


@pytest.mark.parametrize("special", ["/dev/null", "fifo", "dir"])
def test_devices_pipes_and_directories_are_refused_without_hanging(
    tmp_path: Path, special: str
) -> None:
    if special == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)  # opening it to read a header would block forever
    elif special == "dir":
        target = tmp_path
    else:
        target = Path(special)
    done = run_cli("--db", str(target), "list")
    assert done.returncode == 2, done.stderr
    assert str(target) in done.stderr and "not an irtui store" in done.stderr
    assert ".recover" not in done.stderr and "Traceback" not in done.stderr


# --- where a store may be created ---------------------------------------------------------------


def test_a_typo_in_the_directory_creates_nothing(tmp_path: Path) -> None:
    done = run_cli("--db", str(tmp_path / "typo" / "deeper" / "s.db"), "declare", "x", "--sev", "2")
    assert done.returncode == 2
    assert f"{tmp_path / 'typo'} does not exist" in done.stderr
    assert listing(tmp_path) == set()


def test_a_file_where_a_directory_should_be(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("x")
    with pytest.raises(StoreLocationError, match="not a directory"):
        Store.open(tmp_path / "notes" / "s.db")


@pytest.mark.parametrize(
    "name",
    ["victim%2Edb", "a?b.db", "with%20space.db", "q?mode=memory", ":memory:", "file:x.db?mode=ro"],
)
def test_a_path_is_never_read_as_a_url(tmp_path: Path, clock, name: str) -> None:
    victim = tmp_path / "victim.db"
    con = sqlite3.connect(victim)
    con.execute("CREATE TABLE accounts (id INTEGER)")
    con.commit()
    con.close()
    before = digest(victim)
    done = run_cli("--db", name, "declare", "literal name", "--sev", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert digest(victim) == before  # another app's victim.db was not migrated
    assert listing(tmp_path) - {"victim.db"} <= {
        name,
        f"{name}-wal",
        f"{name}-shm",
        f"{name}.migrate.lock",
    }
    with Store.open(tmp_path / name, clock=clock) as s:
        assert s.get("INC-1").title == "literal name"


# --- what the message says ---------------------------------------------------------------------


def _python_for_nobody(tmp_path: Path) -> tuple[list[str], dict]:
    """A Python that user nobody may run, with this checkout importable (root writes
    anywhere, so a read-only directory can only be shown to another user). The venv's own
    interpreter may sit under root's home; the system one of the same minor version loads the
    same packages."""
    import shutil
    import sysconfig

    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "IRTUI_STATE_DIR": str(tmp_path / "state"),
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[2]), sysconfig.get_paths()["purelib"]]
        ),
    }
    kw = {"user": 65534, "group": 65534, "extra_groups": [], "env": env}
    name = f"python3.{sys.version_info.minor}"
    folders = [*os.environ.get("PATH", "").split(os.pathsep), "/usr/local/bin", "/usr/bin"]
    candidates = [sys.executable, *(shutil.which(name, path=f) for f in folders)]
    for python in dict.fromkeys(c for c in candidates if c):
        try:
            probe = subprocess.run([python, "-c", "import irtui"], timeout=30, **kw)
        except PermissionError:
            continue
        if probe.returncode == 0:
            return [python], kw
    pytest.skip(
        "running as root and no Python 3.11 that user nobody can run and import irtui with: "
        "run the suite as a normal user, or install python3.11 system-wide"
    )


def test_a_read_only_directory_is_said_as_such_never_damaged(tmp_path: Path, clock) -> None:
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="irtui-ro-"))  # pytest's tmp is root-only (0700)
    folder = base / "ro"
    folder.mkdir()
    path = folder / "s.db"
    make_store(path, clock)
    python, kw = [sys.executable], {}
    if os.geteuid() == 0:  # root writes anywhere: run the probe as nobody
        for p in (base, folder, path):
            os.chown(p, 65534, 65534)
        python, kw = _python_for_nobody(base)
    folder.chmod(0o555)
    try:
        for argv in (("list",), ("log", "1", "x")):
            done = subprocess.run(
                [*python, "-m", "irtui", "--db", str(path), *argv],
                capture_output=True,
                text=True,
                timeout=60,
                **kw,
            )
            assert done.returncode == 2, done.stderr
            assert f"the directory {folder} is not writable" in done.stderr
            assert "damaged" not in done.stderr and ".recover" not in done.stderr
    finally:
        folder.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_a_full_disk_is_said_as_such_and_leaves_no_half_made_store(tmp_path: Path) -> None:
    def small_files() -> None:  # the kernel refuses writes past 8 KiB: a full disk in effect
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    path = tmp_path / "s.db"
    done = run_cli("--db", str(path), "declare", "x", "--sev", "2", preexec_fn=small_files)
    assert done.returncode == 1, done.stderr
    assert "nothing was saved" in done.stderr
    assert "damaged" not in done.stderr and ".recover" not in done.stderr
    assert "Traceback" not in done.stderr
    assert listing(tmp_path) == set()  # the new file it started is gone again


def test_classifying_sqlite_errors() -> None:
    from irtui.store.db import _sqlite_error

    def err(code: int, name: str, text: str) -> sqlite3.Error:
        exc = sqlite3.OperationalError(text)
        exc.sqlite_errorcode, exc.sqlite_errorname = code, name  # type: ignore[attr-defined]
        return exc

    path = Path("/tmp/x.db")
    assert isinstance(
        _sqlite_error(path, err(13, "SQLITE_FULL", "database or disk is full")), StoreIOError
    )
    assert isinstance(
        _sqlite_error(path, err(11, "SQLITE_CORRUPT", "malformed")), CorruptStoreError
    )
    assert isinstance(
        _sqlite_error(path, err(8, "SQLITE_READONLY", "attempt to write a readonly database")),
        StoreUnwritableError,
    )
    for error in (err(13, "SQLITE_FULL", "full"), err(8, "SQLITE_READONLY", "readonly")):
        assert ".recover" not in str(_sqlite_error(path, error))


# --- file modes ---------------------------------------------------------------------------------


def test_an_existing_store_readable_by_others_is_tightened(tmp_path: Path, clock) -> None:
    path = tmp_path / "s.db"
    make_store(path, clock)
    path.chmod(0o644)
    with Store.open(path, clock=clock) as s:
        s.log("1", "x")
        for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert stat.S_IMODE(name.stat().st_mode) == 0o600, name


def test_postgresql_passwords_never_appear_in_errors() -> None:
    for url in (
        "postgresql://irtui:s3cretpw@127.0.0.1:1/db",
        "postgresql://irtui@127.0.0.1:1/db?password=s3cretpw",
        "postgresql+psycopg://irtui@127.0.0.1:1/db?sslmode=disable&password=s3cretpw",
    ):
        done = run_cli("--db", url, "list")
        assert done.returncode != 0
        assert "s3cretpw" not in done.stderr and "s3cretpw" not in done.stdout, done.stderr
        assert "127.0.0.1" in done.stderr
