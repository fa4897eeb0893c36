"""Time zones as people write them in postmortems and post bodies, resolved with `zoneinfo`.

What a document may say, and how it is read:
- `UTC`, `GMT`, `Z`, `Zulu` -> UTC;
- a region's abbreviation (`CET`/`CEST`, `PST`/`PDT`, `EST`/`EDT`, `BST`, `AEST`, `JST`, …)
  names that region's *civil time*, resolved by the date through the IANA database: `CET`
  written for a July morning is read as CEST (UTC+2), because that is what the clocks in the
  room said; the reading notes the mismatch so nobody is surprised;
- a city or IANA name (`Europe/Zurich`, `Zurich time`, `(Copenhagen time)`) -> that zone;
- a fixed offset (`GMT+2`, `UTC+1`, `UTC-05:30`, `+02:00`) -> that offset, all year. Written
  the human way: `GMT+2` is two hours *ahead* of UTC (POSIX `Etc/GMT+2` is the opposite);
- an offset *and* a place (`UTC+1 (Zurich time)`): the place wins and a differing offset on
  that date (Zurich is at UTC+2 in summer) is noted.
Wall-clock times that do not exist (the hour skipped in spring) are read with the offset in
force before the change and noted; times that happen twice (the hour repeated in autumn) take
the reading that keeps the timeline in order (`after`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

ABBREVIATIONS: dict[str, tuple[str, int]] = {
    # abbreviation -> (IANA zone whose civil time it names, the UTC offset it claims in minutes)
    "CET": ("Europe/Berlin", 60),
    "CEST": ("Europe/Berlin", 120),
    "MEZ": ("Europe/Berlin", 60),
    "MESZ": ("Europe/Berlin", 120),
    "WET": ("Europe/Lisbon", 0),
    "WEST": ("Europe/Lisbon", 60),
    "EET": ("Europe/Helsinki", 120),
    "EEST": ("Europe/Helsinki", 180),
    "BST": ("Europe/London", 60),
    "IST": ("Asia/Kolkata", 330),
    "MSK": ("Europe/Moscow", 180),
    "PST": ("America/Los_Angeles", -480),
    "PDT": ("America/Los_Angeles", -420),
    "PT": ("America/Los_Angeles", -480),
    "MST": ("America/Denver", -420),
    "MDT": ("America/Denver", -360),
    "CST": ("America/Chicago", -360),
    "CDT": ("America/Chicago", -300),
    "CT": ("America/Chicago", -360),
    "EST": ("America/New_York", -300),
    "EDT": ("America/New_York", -240),
    "ET": ("America/New_York", -300),
    "AKST": ("America/Anchorage", -540),
    "AKDT": ("America/Anchorage", -480),
    "HST": ("Pacific/Honolulu", -600),
    "JST": ("Asia/Tokyo", 540),
    "KST": ("Asia/Seoul", 540),
    "SGT": ("Asia/Singapore", 480),
    "HKT": ("Asia/Hong_Kong", 480),
    "AEST": ("Australia/Sydney", 600),
    "AEDT": ("Australia/Sydney", 660),
    "ACST": ("Australia/Adelaide", 570),
    "AWST": ("Australia/Perth", 480),
    "NZST": ("Pacific/Auckland", 720),
    "NZDT": ("Pacific/Auckland", 780),
}
_UTC_WORDS = frozenset({"UTC", "GMT", "ZULU", "UCT"})

_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*([+\-−–])\s*(\d{1,2})(?::?(\d{2}))?\b", re.IGNORECASE)
_BARE_OFFSET = re.compile(r"(?<![\w:])([+\-−])(\d{2}):?(\d{2})\b")
_TOKEN = re.compile(r"\b([A-Z]{1,5})\b")
_IANA = re.compile(r"\b([A-Z][A-Za-z]+(?:/[A-Z][A-Za-z_\-]+)+)\b")
_CITY = re.compile(
    r"\b(?:([A-Z][A-Za-z]+(?:[ _][A-Z][A-Za-z]+)?)\s+(?:local\s+)?time\b"
    r"|time\s+in\s+([A-Z][A-Za-z]+(?:[ _][A-Z][A-Za-z]+)?))"
)


@lru_cache(maxsize=1)
def _cities() -> dict[str, str]:
    """'zurich' -> 'Europe/Zurich', 'new york' -> 'America/New_York' (first wins)."""
    out: dict[str, str] = {}
    for key in sorted(available_timezones()):
        if "/" not in key or key.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            continue
        city = key.rsplit("/", 1)[1].replace("_", " ").lower()
        out.setdefault(city, key)
    return out


@dataclass(frozen=True, slots=True)
class Zone:
    """A zone as written in a document, and how it reads wall-clock times."""

    label: str
    tz: tzinfo
    claimed_minutes: int | None = None  # the offset the writing claims, if it claims one
    regional: bool = False  # civil time of a region (DST applies) rather than a fixed offset

    def to_utc(self, local: datetime, *, after: datetime | None = None) -> tuple[datetime, str]:
        """(UTC instant, note or '') for a naive wall-clock `local` in this zone."""
        if not self.regional:
            return local.replace(tzinfo=self.tz).astimezone(UTC), ""
        first = local.replace(tzinfo=self.tz, fold=0)
        second = local.replace(tzinfo=self.tz, fold=1)
        a, b = first.astimezone(UTC), second.astimezone(UTC)
        note = ""
        if a != b:
            back = first.replace(tzinfo=None) != a.astimezone(self.tz).replace(tzinfo=None)
            if back:  # a skipped wall-clock time (spring forward)
                when = a  # the offset in force before the change: a clock not yet moved
                shown = when.astimezone(self.tz).strftime("%H:%M %Z")
                note = (
                    f"{local:%Y-%m-%d %H:%M} does not exist in {self.label} (clocks went "
                    f"forward); read as {shown}"
                )
                return when, note
            when = b if after is not None and a < after <= b else a
            note = (
                f"{local:%Y-%m-%d %H:%M} happened twice in {self.label} (clocks went back); "
                f"read as {when.astimezone(self.tz).strftime('%H:%M %Z')} to keep the order"
            )
            return when, note
        if self.claimed_minutes is not None:
            offset = first.utcoffset()
            actual = int(offset.total_seconds() // 60) if offset is not None else 0
            if actual != self.claimed_minutes:
                note = (
                    f"{self.label} claims UTC{_fmt(self.claimed_minutes)}, but on "
                    f"{local:%Y-%m-%d} {self.tz} was at UTC{_fmt(actual)} "
                    f"({first.strftime('%Z')}); read as local time there"
                )
        return a, note


def _fmt(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h:02d}:{m:02d}"


UTC_ZONE = Zone("UTC", UTC)


def _fixed(sign: str, hours: str, minutes: str | None) -> int | None:
    total = int(hours) * 60 + int(minutes or 0)
    if total > 14 * 60:
        return None
    return -total if sign in "-−–" else total


def _zone_info(key: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def find_zone(text: str) -> Zone | None:
    """The zone a piece of prose or a header states, or None. See the module docstring for
    what is recognised and which statement wins."""
    place: Zone | None = None
    for match in _IANA.finditer(text):
        tz = _zone_info(match.group(1))
        if tz is not None:
            place = Zone(match.group(1), tz, regional=True)
            break
    if place is None:
        for match in _CITY.finditer(text):
            name = (match.group(1) or match.group(2) or "").replace("_", " ")
            words = name.split()
            for candidate in (name, words[-1] if words else ""):
                key = _cities().get(candidate.lower())
                if key:
                    place = Zone(f"{candidate} time", ZoneInfo(key), regional=True)
                    break
            if place is not None:
                break
    claimed: int | None = None
    offset_label = ""
    match = _OFFSET.search(text)
    if match:
        claimed = _fixed(match.group(1), match.group(2), match.group(3))
        offset_label = match.group(0).replace(" ", "")
    abbreviation: Zone | None = None
    utc_word = False
    for token in _TOKEN.findall(text):
        if token in ABBREVIATIONS:
            key, minutes = ABBREVIATIONS[token]
            abbreviation = Zone(token, ZoneInfo(key), minutes, regional=True)
            break
        if token in _UTC_WORDS and not utc_word:
            utc_word = True
    if place is not None:
        if claimed is not None:
            return Zone(
                f"{offset_label} ({place.label})", place.tz, claimed_minutes=claimed, regional=True
            )
        if abbreviation is not None and abbreviation.claimed_minutes is not None:
            return Zone(
                f"{abbreviation.label} ({place.label})",
                place.tz,
                claimed_minutes=abbreviation.claimed_minutes,
                regional=True,
            )
        return place
    if abbreviation is not None:
        if claimed is not None and claimed != abbreviation.claimed_minutes:
            return Zone(offset_label, timezone(timedelta(minutes=claimed)), claimed)
        return abbreviation
    if claimed is not None:
        return Zone(offset_label, timezone(timedelta(minutes=claimed)), claimed)
    bare = _BARE_OFFSET.search(text)
    if bare:
        minutes = _fixed(bare.group(1), bare.group(2), bare.group(3))
        if minutes is not None:
            return Zone(bare.group(0), timezone(timedelta(minutes=minutes)), minutes)
    if utc_word:
        return UTC_ZONE
    return None


def zone_named(name: str | None) -> Zone | None:
    """A zone from a structured field (a status page's `time_zone: America/Chicago`)."""
    if not name or not isinstance(name, str):
        return None
    tz = _zone_info(name.strip())
    if tz is not None:
        return Zone(name.strip(), tz, regional=True)
    return find_zone(name)
