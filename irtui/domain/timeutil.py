"""UTC helpers: everything stored is an aware UTC datetime, serialised at fixed width.

Fixed-width ISO-8601 (`2026-11-22T15:30:56.123456+00:00`) sorts lexicographically in the same
order as chronologically, which lets both SQLite and PostgreSQL order and compare text columns
without any engine-specific date type.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
"""A source of the current time. Injected everywhere so tests can freeze or move it."""


def system_clock() -> datetime:
    return datetime.now(UTC)


CLOCK_ENV = "IRTUI_CLOCK"
"""`IRTUI_CLOCK=2026-11-22T14:00:00Z` starts this process's clock at that instant (it then
runs at the real rate); a trailing `!` freezes it there. Tests that start an `irtui`
subprocess pass their own clock this way, so both sides of the process boundary agree on
"now" whatever today's date is; demos and screenshots use it to show a chosen time."""


def offset_clock(start: datetime, *, frozen: bool = False) -> Clock:
    """A clock that reads `start` now and, unless frozen, moves on with the real clock."""
    start = to_utc(start)
    if frozen:
        return lambda: start
    shift = start - system_clock()
    return lambda: system_clock() + shift


def default_clock() -> Clock:
    """The process's clock: `$IRTUI_CLOCK` when set (see `CLOCK_ENV`), else the system's."""
    raw = os.environ.get(CLOCK_ENV, "").strip()
    if not raw:
        return system_clock
    frozen = raw.endswith("!")
    try:
        start = datetime.fromisoformat(raw.rstrip("!").replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{CLOCK_ENV}={raw!r} is not an ISO-8601 instant (e.g. 2026-11-22T14:00:00Z)"
        ) from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    return offset_clock(start, frozen=frozen)


def clock_env(clock: Clock, *, frozen: bool = True) -> dict[str, str]:
    """The environment entry that hands `clock`'s current reading to a child process."""
    return {CLOCK_ENV: iso(clock()) + ("!" if frozen else "")}  # type: ignore[operator]


def to_utc(value: datetime) -> datetime:
    """Aware datetime in UTC; naive values are taken as *local* time (what a human typed)."""
    if value.tzinfo is None:
        value = value.astimezone()  # interpret naive as local wall-clock time
    return value.astimezone(UTC)


ISO_WIDTH = 32
"""Every stored instant is exactly this wide: `0999-06-01T00:00:00.000000+00:00`."""

_STORED = re.compile(
    r"^(?P<year>\d{1,4})-(?P<rest>\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?$"
)


def iso(value: datetime | None) -> str | None:
    """The one formatter of stored instants: fixed-width UTC ISO-8601, or None.

    `parse_iso(iso(d)) == d` for every aware datetime whose UTC reading is in range (a
    hypothesis test walks the whole `datetime` range), and the text sorts as the instants do.
    """
    if value is None:
        return None
    utc = to_utc(value)
    # Not strftime("%Y"): it does not zero-pad years below 1000 on glibc, and a 3-digit year
    # breaks both the fixed width and `datetime.fromisoformat` on the way back.
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S.%f}+00:00"


def parse_iso(text: str | None) -> datetime | None:
    """The one parser of stored instants (aware UTC), the inverse of `iso`.

    It also reads what earlier irtui versions wrote for years below 1000 (`999-06-01T...`,
    strftime's unpadded year), so a store holding such a value opens; whether that instant is
    plausible for its incident is the store's question (`Store` flags it), not the parser's.
    Raises ValueError for text that is not an ISO-8601 instant."""
    if text is None or text == "":
        return None
    raw = text.strip()
    match = _STORED.match(raw)
    if match and len(match.group("year")) < 4:
        raw = f"{int(match.group('year')):04d}-{match.group('rest')}{match.group('tz') or ''}"
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return to_utc(value)
    except (ValueError, OverflowError):
        raise ValueError(f"not an ISO-8601 instant: {text[:60]!r}") from None


def fmt_duration(delta: timedelta | float | None, *, signed: bool = False) -> str:
    """Compact human duration: `45s`, `12m05s`, `3h04m`, `2d03h`. None gives an em dash."""
    if delta is None:
        return "—"
    seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
    sign = "-" if seconds < 0 else ("+" if signed else "")
    s = int(abs(seconds))
    days, rem = divmod(s, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    if days:
        body = f"{days}d{hours:02d}h"
    elif hours:
        body = f"{hours}h{minutes:02d}m"
    elif minutes:
        body = f"{minutes}m{secs:02d}s"
    else:
        body = f"{secs}s"
    return sign + body


def fmt_span(delta: timedelta | float) -> str:
    """A span as people say it: `15m`, `1h30m`, `45s` (`fmt_duration` without `00s`)."""
    text = fmt_duration(delta)
    return text[:-3] if text.endswith("m00s") else text


def fmt_local_utc(value: datetime | None, *, with_date: bool = False) -> str:
    """`14:02 (13:02Z)`: local wall-clock time beside UTC, as the war room reads it."""
    if value is None:
        return "—"
    utc = to_utc(value)
    try:
        local = utc.astimezone()
    except (OverflowError, ValueError):  # the edges of the datetime range
        local = utc
    day = f"{local.year:04d}-{local:%m-%d} " if with_date else ""
    return f"{day}{local:%H:%M} ({utc:%H:%MZ})"


def fmt_when(value: datetime | None, now: datetime | None = None) -> str:
    """How messages speak of an instant: local `HH:MM` beside UTC, `21:10 (20:10 UTC)`.

    The day is added when it is not the local day of `now` (`Sat 21 Nov 21:10 (20:10 UTC)`),
    the year when it is not `now`'s year. Never seconds or microseconds, never a raw ISO
    stamp."""
    if value is None:
        return "—"
    utc = to_utc(value)
    try:
        local = utc.astimezone()
        today = to_utc(now).astimezone() if now is not None else None
    except (OverflowError, ValueError):
        return f"{utc.year:04d}-{utc:%m-%d %H:%M} UTC"
    text = f"{local:%H:%M} ({utc:%H:%M} UTC)"
    if local.utcoffset() == timedelta(0):
        text = f"{utc:%H:%M} UTC"
    if today is None or local.date() != today.date():
        day = f"{local:%a} {local.day} {local:%b}"
        if today is None or local.year != today.year:
            day += f" {local.year:04d}"
        text = f"{day} {text}"
    return text


class ManualClock:
    """A clock that moves only when told to: tests, snapshots, screenshots and benchmarks
    inject it so countdowns are reproducible."""

    def __init__(self, start: datetime) -> None:
        self._now = to_utc(start)

    def __call__(self) -> datetime:
        return self._now

    def set(self, value: datetime) -> None:
        self._now = to_utc(value)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now
