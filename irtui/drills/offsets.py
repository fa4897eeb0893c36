"""Scenario offsets (`+0m`, `+4m`, `+1h30m`, `+90s`) and how drill times are shown (`T+04:00`).

An offset is measured on the drill clock from the drill's start; it is always written with a
leading `+` so a scenario reads like a run sheet and cannot be mistaken for a backdating `-5m`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

_OFFSET = re.compile(r"^\+(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_offset(value: object) -> int:
    """`+4m` -> 240 seconds. Raises ValueError naming the expected form."""
    text = str(value).strip().lower().replace(" ", "") if isinstance(value, str) else None
    match = _OFFSET.match(text) if text else None
    if not match or not any(match.groups()):
        raise ValueError(f"{value!r} is not an offset (write +0m, +4m, +1h30m or +90s)")
    h, m, s = (int(g) if g else 0 for g in match.groups())
    return h * 3600 + m * 60 + s


def format_offset(seconds: float) -> str:
    """240 -> `+4m`; 5400 -> `+1h30m`; 90 -> `+1m30s` (the inverse of `parse_offset`)."""
    total = max(int(seconds), 0)  # floored, like fmt_duration: +16m39s is +16m39s
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    out = "+"
    if h:
        out += f"{h}h"
    if m or (not h and not s):
        out += f"{m}m"
    if s:
        out += f"{s}s"
    return out


def drill_elapsed(start: datetime, at: datetime) -> str:
    """`T+04:05` (minutes:seconds since the drill started; hours when over an hour)."""
    seconds = int((at - start).total_seconds())
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"T{sign}{h}:{m:02d}:{s:02d}" if h else f"T{sign}{m:02d}:{s:02d}"


def after(start: datetime, seconds: float) -> datetime:
    return start + timedelta(seconds=seconds)
