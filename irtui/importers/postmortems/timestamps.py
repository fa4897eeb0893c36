"""Reading the time at the start of a timeline line, the many ways people write it.

`2019-11-29 12:00`, `2021-12-10   15:40`, `12:00`, `8:40`, `14:02 UTC`, `[14:02]`,
`**14:02 UTC**`, `10:45~`, `~2025-03-03 19:30`, `09:00 - 11:00`, `12:26-12:??`, `2:05 pm`,
`June 12, 2018 14:02`, `12 June 14:02`, `Tuesday 12.06.2018 14:02`. A date without a time
(`2021-12-10`), a time nobody knew (`14:??`, `HH:mm`, `--:--`, `[???]`, `2022-05-?? HH:mm`)
and an unreadable date (`20202-01-16`, a typo) are reported as such (`unknown`), so the line
can be kept as an entry *without* a time instead of an invented one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from irtui.importers.zones import Zone, find_zone

MONTHS = {
    m: n
    for n, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAY = (
    r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?\.?,?\s+)?"
)
_LEAD = re.compile(r"^[\s>*_~\[(`]*(?:(?:approx\.?|approximately|around|circa|ca\.)\s+)?", re.I)
_ISO_DATE = re.compile(
    r"(?P<y>\d{4}/\d{2}|\d{4,5})[-/.](?P<m>\d{1,2}|\?\?|xx|XX|mm|MM)[-/.](?P<d>\d{1,2}|\?\?|xx|XX|dd|DD)(?!\d)"
)
_DMY_DATE = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)")
_NAMED_DMY = re.compile(
    _WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?P<mon>" + _MONTH + r")\.?"
    r"(?:,?\s+(?P<y>\d{4}))?(?![a-z])",
    re.I,
)
_NAMED_MDY = re.compile(
    _WEEKDAY + r"(?P<mon>" + _MONTH + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,?\s+(?P<y>\d{4}))?(?![\d:])",
    re.I,
)
_TIME = re.compile(
    r"(?P<h>\d{1,2}|\?\?|\?|HH|hh|xx|XX|--)[:.h](?P<mi>\d{2}|\?\?|\?|mm|MM|xx|XX|--)"
    r"(?::(?P<s>\d{2}|\?\?))?(?:\.\d+)?(?P<ampm>\s*[ap]\.?m\.?)?(?![\d])",
    re.I,
)
_UNKNOWN_TIME = re.compile(r"\[?\?{2,}\]?|\bTBA\b|\bTBD\b|\bunknown\b", re.I)
_RANGE = re.compile(
    r"\s*(?:-|–|—|to|until|till)\s*(?P<end>\d{1,2}[:.](?:\d{2}|\?\?)|\?\?[:.]\?\?)(?![\d])",
    re.I,
)
_APPROX_AFTER = re.compile(r"\s*(?:~|-?ish\b|\(approx(?:\.|imately)?\))", re.I)
_ZONE_AFTER = re.compile(
    r"\s*\(?\s*(?P<z>(?:UTC|GMT)\s*[+\-−]\s*\d{1,2}(?::?\d{2})?|[+\-]\d{2}:?\d{2}"
    r"|UTC|GMT|Z|[A-Z]{2,5})\s*\)?(?![\w])"
)
_SEPARATOR = re.compile(r"^[\s*_`\])~]*(?:[-–—:|,]+(?!\d)\s*)?")


@dataclass(frozen=True, slots=True)
class Stamp:
    """What the start of a line says about when it happened."""

    day: date | None = None
    month_day: tuple[int, int] | None = None  # a date written without its year
    clock: time | None = None
    unknown: str = ""  # the written date/time when it could not be read (kept verbatim)
    zone: Zone | None = None
    approx: bool = False
    until: str = ""  # the end of a written range (`09:00 - 11:00`)
    rest: str = ""  # what follows the stamp: the line's text
    written: str = ""  # the stamp as written

    @property
    def has_date(self) -> bool:
        return self.day is not None or self.month_day is not None


def _year_ok(text: str) -> bool:
    return len(text) == 4 and 1970 <= int(text) <= 2200


def _date_from_iso(match: re.Match[str]) -> tuple[date | None, str]:
    y, m, d = match.group("y"), match.group("m"), match.group("d")
    if not (y.isdigit() and m.isdigit() and d.isdigit()) or not _year_ok(y):
        return None, match.group(0)
    try:
        return date(int(y), int(m), int(d)), ""
    except ValueError:
        return None, match.group(0)


def read_stamp(text: str, *, need_time: bool = False) -> Stamp | None:
    """The stamp at the start of `text` (after bullets, brackets and bold markers), or None
    if the line does not start with one. `need_time`: a bare date is not enough (prose that
    starts with a date is not a timeline line)."""
    lead = _LEAD.match(text)
    pos = lead.end() if lead else 0
    approx = "~" in text[:pos] or bool(lead and lead.group(0).strip(" *_[(`>~").strip())
    day: date | None = None
    month_day: tuple[int, int] | None = None
    unknown = ""
    start = pos
    for pattern in (_ISO_DATE, _DMY_DATE):
        match = pattern.match(text, pos)
        if match:
            if pattern is _ISO_DATE:
                day, bad = _date_from_iso(match)
            else:
                bad = ""
                try:
                    y = match.group("y")
                    day = date(int(y), int(match.group("m")), int(match.group("d")))
                    if not _year_ok(y):
                        day, bad = None, match.group(0)
                except ValueError:
                    bad = match.group(0)
            unknown = bad
            pos = match.end()
            break
    else:
        for pattern in (_NAMED_DMY, _NAMED_MDY):
            match = pattern.match(text, pos)
            if match:
                month = MONTHS.get(match.group("mon").lower().rstrip("."))
                if month is None:
                    continue
                try:
                    if match.group("y"):
                        if not _year_ok(match.group("y")):
                            unknown = match.group(0)
                        else:
                            day = date(int(match.group("y")), month, int(match.group("d")))
                    else:
                        date(2000, month, int(match.group("d")))  # validates the day
                        month_day = (month, int(match.group("d")))
                except ValueError:
                    unknown = match.group(0)
                pos = match.end()
                break
    after_date = pos
    sep = re.match(r"[\s,T]*(?:at\s+)?", text[pos:])
    pos += sep.end() if sep else 0
    clock: time | None = None
    zone: Zone | None = None
    until = ""
    match = _TIME.match(text, pos)
    if match:
        h, mi = match.group("h"), match.group("mi")
        if h.isdigit() and mi.isdigit():
            hour, minute = int(h), int(mi)
            ampm = (match.group("ampm") or "").strip().lower().replace(".", "")
            if ampm == "pm" and hour < 12:
                hour += 12
            elif ampm == "am" and hour == 12:
                hour = 0
            second = match.group("s")
            try:
                clock = time(hour, minute, int(second) if second and second.isdigit() else 0)
            except ValueError:
                unknown = (unknown + " " + match.group(0)).strip()
        else:
            unknown = (unknown + " " + match.group(0)).strip()
        pos = match.end()
        rng = _RANGE.match(text, pos)
        if rng:
            until = rng.group("end")
            pos = rng.end()
    else:
        unk = _UNKNOWN_TIME.match(text, pos)
        if unk and (unk.group(0).startswith(("[", "?")) or day or month_day):
            unknown = (unknown + " " + unk.group(0).strip("[]")).strip()
            pos = unk.end()
    if clock is None and not unknown and day is None and month_day is None:
        return None
    if clock is None and not unknown and need_time:
        return None
    if clock is None and day is None and month_day is None and not unknown:
        return None
    approx_after = _APPROX_AFTER.match(text, pos)
    if approx_after:
        approx = True
        pos = approx_after.end()
    if clock is not None or unknown:
        zmatch = _ZONE_AFTER.match(text, pos)
        if zmatch:
            found = find_zone(zmatch.group("z")) if zmatch.group("z") != "Z" else find_zone("UTC")
            if found is not None:
                zone = found
                pos = zmatch.end()
    if clock is None and pos == after_date and not unknown:
        pos = after_date
    written = text[start:pos].strip(" *_[]()`~")
    rest = text[pos:]
    sep_match = _SEPARATOR.match(rest)
    rest = rest[sep_match.end() :] if sep_match else rest
    rest = rest.strip().rstrip("*_").strip()
    if clock is None and unknown == "" and not (day or month_day):
        return None
    return Stamp(day, month_day, clock, unknown, zone, approx, until, rest, written)
