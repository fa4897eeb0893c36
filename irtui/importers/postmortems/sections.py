"""Reading a postmortem's sections: which heading is which part (`review.headings`), the
reported figures of a `## Stats` section, and a stated severity.

A heading that names none of irtui's parts, under no part it could belong to, is *reported*
(never dropped silently): `irtui import postmortem --dry-run` and `irtui postmortem ID --from
FILE` both list it with its line.
"""

from __future__ import annotations

import re

from irtui.review.headings import classify, normalise  # noqa: F401  (re-exported)

_DURATION = re.compile(
    r"(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>d(?:ays?)?|h(?:ours?|rs?)?|m(?:in(?:ute)?s?)?|s(?:ec(?:ond)?s?)?)\b",
    re.I,
)
_UNIT_S = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def duration_seconds(text: str) -> float | None:
    """`54 minutes`, `19 hours 43 minutes.`, `11 Days`, `1h30m` -> seconds; `?`, `N/A` ->
    None."""
    total = 0.0
    found = False
    for match in _DURATION.finditer(text):
        found = True
        total += float(match.group("n").replace(",", ".")) * _UNIT_S[match.group("unit")[0].lower()]
    return total if found else None


_STAT_LINE = re.compile(
    r"^\s*(?:[-*+]\s*)?(?:\*\*)?(?P<key>[^:*]{2,40}?)(?:\*\*)?\s*:\s*(?:\*\*)?(?P<value>.*)$"
)


def stats(lines: list[tuple[int, str]]) -> tuple[dict[str, object], list[tuple[int, str]]]:
    """Reported figures of a `## Stats` section ({'ttd_s', 'ttr_s', 'category', ...}) and
    the lines that are not `key: value`."""
    out: dict[str, object] = {}
    other: list[tuple[int, str]] = []
    for number, line in lines:
        if not line.strip():
            continue
        match = _STAT_LINE.match(line)
        if not match:
            other.append((number, line))
            continue
        key = normalise(match.group("key"))
        value = match.group("value").strip().rstrip("*").strip()
        if "detect" in key:
            out["ttd_text"] = value
            out["ttd_s"] = duration_seconds(value)
        elif "recover" in key or "resol" in key or "restor" in key:
            out["ttr_text"] = value
            out["ttr_s"] = duration_seconds(value)
        elif "mitigat" in key:
            out["ttm_text"] = value
            out["ttm_s"] = duration_seconds(value)
        elif "category" in key or "type" in key or "area" in key:
            out["category"] = value
        else:
            out[key.replace(" ", "_") or "note"] = value
    return out, other


_SEVERITY = re.compile(
    r"^\W*(?:severity|sev|priority|level)\W*\s*[:=\-|]\s*\W*(?:sev(?:erity)?|s|p|level)?\s*-?\s*(?P<n>[0-4])\b",
    re.I,
)
_SEVERITY_TITLE = re.compile(r"\b(?:sev|severity)\s*-?\s*(?P<n>[0-4])\b", re.I)


def severity(lines: list[str], title: str) -> int | None:
    """A severity the document states (`Severity: SEV2`, `**Sev:** 1`, `[SEV1]` in the
    title). SEV0 reads as SEV1 (irtui's most severe level)."""
    for line in lines:
        match = _SEVERITY.match(line.strip())
        if match:
            return max(1, int(match.group("n")))
    match = _SEVERITY_TITLE.search(title)
    if match:
        return max(1, int(match.group("n")))
    return None
