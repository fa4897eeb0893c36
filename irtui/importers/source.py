"""Reading untrusted source records: typed access with the path in every message, sane time
ranges, and text that passes `boundary.text_in.clean_input` before anything keeps it.

Files from a public feed or an old wiki can hold anything: a number where an object belongs
(`'int' object has no attribute 'get'`), year 1 or year 275760, ten thousand nested arrays,
escape sequences and bidi overrides in a title. Every importer reads its records through
`Record`, so such a record is refused with one sentence naming the field
(`incident_updates[2].created_at is 0001-01-01T00:00:00Z: before 1970-01-01`), never with a
Python error, and the rest of the file still comes in.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from irtui.boundary.errors import TextRefused
from irtui.boundary.text_in import LIMITS, clean_input, clean_payload
from irtui.domain.model import DomainError
from irtui.domain.timeutil import iso

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
"""No incident history predates this; earlier times in a source are data errors."""

MAX_FILE_BYTES = 512 * 1024 * 1024
"""A source file larger than this is refused before it is read (a status page's whole
history since 2010 is a few tens of MB)."""


class RecordError(DomainError):
    """One source record cannot be imported; the message names the field."""


@dataclass(slots=True)
class Notices:
    """What cleaning removed from imported text, per record (shown to the user, kept in the
    `imported` event)."""

    items: list[str] = field(default_factory=list)

    def add(self, where: str, notice: str) -> None:
        if notice:
            self.items.append(f"{where}: {notice}")


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def parse_time(value: Any, where: str) -> datetime | None:
    """An ISO-8601 instant from a source field, UTC; None for null/empty. Refuses other types,
    unreadable text and times outside [1970, year 9000) with the field named."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(f"{where} is {_type_name(value)}, expected an ISO-8601 time")
    text = value.strip()
    shown = text[:40] + ("…" if len(text) > 40 else "")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        when = parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise RecordError(f"{where} is {shown!r}: not an ISO-8601 time irtui can read") from None
    if when < EARLIEST:
        raise RecordError(f"{where} is {shown}: before {iso(EARLIEST)[:10]}, not a real time")
    if when.year >= 9000:
        raise RecordError(f"{where} is {shown}: too far in the future to be a real time")
    return when


class Record:
    """A JSON object from a source file, read field by field with its path for messages."""

    __slots__ = ("data", "path")

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise RecordError(f"{path} is {_type_name(data)}, expected an object")
        self.data = data
        self.path = path

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise RecordError(f"{self.where(key)} is {_type_name(value)}, expected text")

    def time(self, key: str) -> datetime | None:
        return parse_time(self.data.get(key), self.where(key))

    def first_time(self, *keys: str) -> datetime | None:
        for key in keys:
            when = self.time(key)
            if when is not None:
                return when
        return None

    def records(self, key: str) -> Iterator[Record]:
        """The objects of a list field (null/missing: none)."""
        value = self.data.get(key)
        if value is None:
            return
        if not isinstance(value, list):
            raise RecordError(f"{self.where(key)} is {_type_name(value)}, expected a list")
        for n, item in enumerate(value):
            yield Record(item, f"{self.where(key)}[{n}]")

    def strings(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise RecordError(f"{self.where(key)} is {_type_name(value)}, expected a list")
        out = []
        for n, item in enumerate(value):
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                out.append(item["name"])
            else:
                raise RecordError(f"{self.where(key)}[{n}] is {_type_name(item)}, expected a name")
        return out


def clean(
    text: str, where: str, notices: Notices, *, field: str = "body", multiline: bool = True
) -> str:
    """`clean_input` for imported text: escape sequences, controls and bidi overrides
    removed (noted in `notices`); over-long text refuses the record."""
    try:
        cleaned = clean_input(text, what=where, field=field, multiline=multiline)
    except TextRefused as exc:
        raise RecordError(str(exc)) from None
    for notice in cleaned.notices:
        notices.items.append(notice)
    return cleaned.text


def clean_raw(value: Any, where: str, notices: Notices, depth: int = 0) -> Any:
    """A source record's raw fields, kept for export, with every string cleaned the same
    way (the raw HTML stays as text; terminal controls do not). Strings without anything to
    remove are kept as they are without a second look (`clean_payload`'s fast path)."""
    if depth > 12:
        return None
    if isinstance(value, str):
        if len(value) > LIMITS["body"]:
            return f"<{len(value):,} characters, longer than irtui keeps>"
        return clean_payload(value, what=where)
    if isinstance(value, dict):
        return {
            clean_payload(str(k), what=where): clean_raw(v, where, notices, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [clean_raw(v, where, notices, depth + 1) for v in value]
    return value


def read_json(file: Path) -> Any:
    """A JSON document, or DomainError naming the file (unreadable, not UTF-8, not JSON,
    nested too deeply for any real export, too large)."""
    try:
        st = file.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the import forever
            raise DomainError(f"{file}: not a regular file")
        size = st.st_size
        if size > MAX_FILE_BYTES:
            raise DomainError(f"{file}: {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise DomainError(f"{file}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise DomainError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    return parse_json(text, str(file))


def parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DomainError(f"{where}:{exc.lineno}: not JSON ({exc.msg})") from None
    except RecursionError:
        raise DomainError(f"{where}: JSON nested too deeply to be an export") from None
