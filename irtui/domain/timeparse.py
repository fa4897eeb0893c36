"""Parsing the times people type: `-5m`, `-1h30m`, `14:02`, or ISO-8601.

`14:02` is local wall-clock time today; if that is more than a couple of minutes in the future
it means yesterday (the scribe is catching up after midnight). Naive ISO values are local too.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from irtui.domain.model import DomainError
from irtui.domain.timeutil import to_utc

_RELATIVE = re.compile(r"^-(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_when(text: str, now: datetime) -> datetime:
    """Parse a user-typed time relative to `now` (aware). Returns aware UTC."""
    raw = text.strip()
    rel = _RELATIVE.match(raw)
    if rel and any(rel.groups()):
        h, m, s = (int(g) if g else 0 for g in rel.groups())
        try:
            return to_utc(now) - timedelta(hours=h, minutes=m, seconds=s)
        except (OverflowError, ValueError):  # -99999999999h: before year 1
            raise DomainError(f"time {text!r} is too far in the past") from None
    hhmm = _HHMM.match(raw)
    if hhmm:
        local_now = to_utc(now).astimezone()
        candidate = local_now.replace(
            hour=int(hhmm.group(1)), minute=int(hhmm.group(2)), second=0, microsecond=0
        )
        if candidate > local_now + timedelta(minutes=2):
            candidate -= timedelta(days=1)
        return to_utc(candidate)
    try:
        return to_utc(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except (ValueError, OverflowError):
        raise DomainError(
            f"cannot read time {text!r} (use -5m, -1h30m, 14:02 or ISO-8601)"
        ) from None


def is_time_token(token: str) -> bool:
    """True if `token` looks like a backdating prefix (`-5m`, `14:02`)."""
    rel = _RELATIVE.match(token)
    return bool((rel and any(rel.groups())) or _HHMM.match(token))


_AHEAD = re.compile(r"^\+?(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$")
_MAX_AHEAD = timedelta(days=3660)


def parse_due(text: str, now: datetime) -> datetime:
    """When something is due: `10m`, `+1h30m` from now, `21:05` (the next one to come), or
    ISO-8601. Returns aware UTC. (The same reading as the update promises' `--next`.)"""
    raw = text.strip()
    ahead = _AHEAD.match(raw)
    if raw and ahead and any(ahead.groups()):
        values = [int(g) if g else 0 for g in ahead.groups()]
        if any(v > 10**9 for v in values):
            raise DomainError("that number is far too large for a time")
        d, h, m, s = values
        delta = timedelta(days=d, hours=h, minutes=m, seconds=s)
        if delta > _MAX_AHEAD:
            raise DomainError("that is more than ten years away; type a date (ISO-8601) instead")
        return to_utc(now) + delta
    hhmm = _HHMM.match(raw)
    if hhmm:
        local_now = to_utc(now).astimezone()
        candidate = local_now.replace(
            hour=int(hhmm.group(1)), minute=int(hhmm.group(2)), second=0, microsecond=0
        )
        if candidate <= local_now:
            candidate = (local_now + timedelta(days=1)).replace(
                hour=int(hhmm.group(1)), minute=int(hhmm.group(2)), second=0, microsecond=0
            )
        return to_utc(candidate)
    if raw.startswith("-"):
        raise DomainError(f"{text!r} is in the past; a due time is ahead (10m, 21:05)")
    try:
        return to_utc(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except (ValueError, OverflowError):
        raise DomainError(
            f"cannot read time {text!r} (use 10m, 1h30m, 21:05 or ISO-8601)"
        ) from None
