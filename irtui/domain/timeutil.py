"""UTC helpers: everything stored is an aware UTC datetime, serialised at fixed width.

Fixed-width ISO-8601 (`2026-11-22T15:30:56.123456+00:00`) sorts lexicographically in the same
order as chronologically, which lets both SQLite and PostgreSQL order and compare text columns
without any engine-specific date type.
"""

from __future__ import annotations

import os
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


def iso(value: datetime | None) -> str | None:
    """Fixed-width UTC ISO-8601 text, or None."""
    if value is None:
        return None
    utc = to_utc(value)
    # Not strftime("%Y"): it does not zero-pad years below 1000 on glibc, and a 3-digit year
    # breaks both the fixed width and `datetime.fromisoformat` on the way back.
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S.%f}+00:00"


def parse_iso(text: str | None) -> datetime | None:
    if text is None or text == "":
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return to_utc(value)


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


def fmt_local_utc(value: datetime | None, *, with_date: bool = False) -> str:
    """`14:02 (13:02Z)`: local wall-clock time beside UTC, as the war room reads it."""
    if value is None:
        return "—"
    utc = to_utc(value)
    local = utc.astimezone()
    pattern = "%Y-%m-%d %H:%M" if with_date else "%H:%M"
    return f"{local.strftime(pattern)} ({utc.strftime('%H:%MZ')})"


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
