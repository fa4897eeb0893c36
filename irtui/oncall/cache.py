"""Expanded iCalendar shifts cached per file and calendar year, in the user cache directory.

`irtui oncall` must answer in well under 100 ms; importing `icalendar` and
`recurring-ical-events` alone costs ~150 ms here. A cache entry remembers the file's path, size
and modification time, the schedule time zone (floating times depend on it) and the format;
any change and the year is expanded again. Entries are small JSON files written atomically
(temp file + rename), so two seats reading the same schedule can never read half a file. A
broken or unwritable cache is never an error: it only costs the parse.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from irtui.oncall.shifts import Shift
from irtui.oncall.spec import IcalSource

VERSION = 1


def cache_root() -> Path:
    from irtui.paths import cache_dir

    return cache_dir() / "oncall"


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _entry_path(src: IcalSource, year: int) -> Path:
    digest = hashlib.sha1(src.path.encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return cache_root() / f"{digest}-{year}.json"


def _key(src: IcalSource, zone: str, stamp: tuple[int, int]) -> dict[str, Any]:
    return {
        "v": VERSION,
        "path": src.path,
        "mtime_ns": stamp[0],
        "size": stamp[1],
        "zone": zone,
        "format": src.format,
    }


def _encode(shifts: list[Shift]) -> list[list[Any]]:
    return [
        [s.start.timestamp(), s.end.timestamp(), s.person, s.email, s.level, s.reason]
        for s in shifts
    ]


def _decode(rows: list[list[Any]], source: str) -> list[Shift]:
    ts = datetime.fromtimestamp
    return [
        Shift(p, ts(a, UTC), ts(b, UTC), int(lvl), email=m, reason=r, source=source)
        for a, b, p, m, lvl, r in rows
    ]


def load(src: IcalSource, year: int, zone: str) -> tuple[list[Shift], list[str]] | None:
    stamp = _stamp(src.path)
    if stamp is None:
        return None
    try:
        data = json.loads(_entry_path(src, year).read_text(encoding="utf-8"))
        if data.get("key") != _key(src, zone, stamp):
            return None
        return _decode(data["shifts"], src.path), list(data.get("problems", []))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(src: IcalSource, year: int, zone: str, shifts: list[Shift], problems: list[str]) -> None:
    stamp = _stamp(src.path)
    if stamp is None:
        return
    target = _entry_path(src, year)
    body = json.dumps(
        {"key": _key(src, zone, stamp), "shifts": _encode(shifts), "problems": problems},
        ensure_ascii=False,
    )
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)
