"""Parsing the times people type: `-5m`, `-1h30m`, `14:02`, or ISO-8601.

Two readings, because people mean two different things:

- **when something happened** (`parse_when`: backdating an entry, `--at`, `--started`):
  `14:02` is the most recent 14:02 local time — today's — with two exceptions around
  midnight, where a clock time is ambiguous:
  * if the *next* 14:02 is less than `NEAR` (1 h) ahead, that is the one meant, and it is in
    the future (the domain refuses it as such): at 20:53, `21:10` is today's 21:10, never
    "yesterday 21:10"; at 23:44, `00:01` is the coming 00:01, never this morning's;
  * yesterday's `HH:MM` is taken only when it lies at most `CATCH_UP` (6 h) back — the
    scribe catching up just after midnight (at 00:10, `23:55` is yesterday 23:55); further
    back it is today's, in the future (at 12:00, `13:00` is not yesterday's 13:00).
- **when something is due** (`parse_due`: the next update, a snooze): `10m`/`+10m` from now,
  `21:05` the next 21:05 to come (tomorrow's if today's has passed), or ISO-8601.

Naive ISO values are local wall-clock time. Local times are resolved with the zone's own rules
(a DST switch between now and the typed time is honoured).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from irtui.domain.model import DomainError
from irtui.domain.timeutil import to_utc

_RELATIVE = re.compile(r"^-(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_AHEAD = re.compile(r"^\+?(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

CATCH_UP = timedelta(hours=6)
"""How far back "yesterday's HH:MM" may lie for a typed `HH:MM` to mean it (after midnight)."""
NEAR = timedelta(hours=1)
"""A typed `HH:MM` whose next occurrence is this close ahead means that one (the future)."""
SLACK = timedelta(minutes=2)
"""Clock skew between laptops: a time this little ahead of now still counts as now-ish."""
_MAX_SPAN = timedelta(days=3660)
"""No relative time reaches further than ten years (and none overflows the datetime range)."""


def _local_at(day: date, hh: int, mm: int) -> datetime:
    """`day` at `hh:mm` local wall-clock time, as aware UTC (the zone's rules, DST included)."""
    return to_utc(datetime.combine(day, time(hh, mm)).astimezone())


def _span(h: int, m: int, s: int, d: int = 0) -> timedelta:
    delta = timedelta(days=d, hours=h, minutes=m, seconds=s)
    if delta > _MAX_SPAN:
        raise DomainError("that is more than ten years away; type a date (ISO-8601) instead")
    return delta


def _ints(groups: tuple[str | None, ...]) -> list[int]:
    values = [int(g) if g else 0 for g in groups]
    if any(v > 10**9 for v in values):
        raise DomainError("that number is far too large for a time")
    return values


def _iso(raw: str, text: str) -> datetime:
    try:
        return to_utc(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except (ValueError, OverflowError):
        raise DomainError(
            f"cannot read time {text!r} (use -5m, -1h30m, 14:02 or ISO-8601)"
        ) from None


def parse_when(text: str, now: datetime) -> datetime:
    """When something happened, typed relative to `now` (aware). Returns aware UTC; it may
    lie in the future (the domain refuses that with a message saying so)."""
    raw = text.strip()
    rel = _RELATIVE.match(raw)
    if rel and any(rel.groups()):
        try:
            h, m, s = _ints(rel.groups())
            return to_utc(now) - _span(h, m, s)
        except (DomainError, OverflowError):  # -99999999999h: before any incident
            raise DomainError(
                f"time {text!r} is too far in the past (more than ten years back)"
            ) from None
    hhmm = _HHMM.match(raw)
    if hhmm:
        return _recent_hhmm(int(hhmm.group(1)), int(hhmm.group(2)), to_utc(now))
    return _iso(raw, text)


def _recent_hhmm(hh: int, mm: int, now: datetime) -> datetime:
    """The rule in the module docstring: the most recent HH:MM, unless the next one is
    near (then the future), and yesterday's only within the midnight catch-up window."""
    today = now.astimezone().date()
    readings = [_local_at(today + timedelta(days=d), hh, mm) for d in (-1, 0, 1)]
    ahead = min(r for r in readings if r > now + SLACK)
    last = max(r for r in readings if r <= now + SLACK)
    if ahead - now < NEAR:
        return ahead  # meant the coming one: in the future
    if last.astimezone().date() == today or now - last <= CATCH_UP:
        return last
    return ahead  # not a catch-up: today's, still to come


def parse_due(text: str, now: datetime) -> datetime:
    """When something is due: `10m`, `+1h30m` from now, `21:05` (the next one to come), or
    ISO-8601. Returns aware UTC. (The same reading as the update promises' `--next` and a
    task's due time.)"""
    raw = text.strip()
    ahead = _AHEAD.match(raw)
    if raw and ahead and any(ahead.groups()):
        d, h, m, s = _ints(ahead.groups())
        return to_utc(now) + _span(h, m, s, d)
    hhmm = _HHMM.match(raw)
    if hhmm:
        hh, mm = int(hhmm.group(1)), int(hhmm.group(2))
        now = to_utc(now)
        today = now.astimezone().date()
        candidate = _local_at(today, hh, mm)
        if candidate <= now:
            candidate = _local_at(today + timedelta(days=1), hh, mm)
        return candidate
    if raw.startswith("-"):
        raise DomainError(f"{text!r} is in the past; a due time is ahead (10m, 21:05)")
    try:
        return _iso(raw, text)
    except DomainError:
        raise DomainError(
            f"cannot read time {text!r} (use 10m, 1h30m, 21:05 or ISO-8601)"
        ) from None


def is_time_token(token: str) -> bool:
    """True if `token` looks like a backdating prefix (`-5m`, `14:02`)."""
    rel = _RELATIVE.match(token)
    return bool((rel and any(rel.groups())) or _HHMM.match(token))
