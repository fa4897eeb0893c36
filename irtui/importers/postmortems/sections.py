"""Which heading of a postmortem is which part of irtui's postmortem.

Headings are compared case-, punctuation- and spelling-variant-insensitively ("Lessons
learnt", "Lessons Learned", "Contributing Factors (findings)", "Atendees"). A heading that
names none of these parts, under no part it could belong to, is *reported* (never dropped
silently): `irtui import postmortem --dry-run` and `irtui postmortem ID --from FILE` both list
it with its line.
"""

from __future__ import annotations

import re

HUMAN: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary",
        "executive summary",
        "incident summary",
        "overview",
        "tldr",
        "tl dr",
        "description",
        "what happened",
        "abstract",
    ),
    "impact": (
        "impact",
        "customer impact",
        "user impact",
        "business impact",
        "scope",
        "blast radius",
    ),
    "root_cause": (
        "root cause",
        "root causes",
        "root cause analysis",
        "rca",
        "cause",
        "causes",
        "trigger",
        "technical details",
    ),
    "contributing_factors": (
        "contributing factors",
        "contributing factor",
        "contributing causes",
        "contributors",
    ),
    "five_whys": ("five whys", "5 whys", "5 why", "whys"),
    "went_well": (
        "what went well",
        "things that went well",
        "went well",
        "what went right",
        "the good",
    ),
    "could_improve": (
        "what could be improved",
        "what could have gone better",
        "what went wrong",
        "things that went wrong",
        "could be improved",
        "what we could improve",
        "where we got lucky",
        "improvements",
        "opportunities for improvement",
        "the bad",
    ),
    "lessons": (
        "lessons learned",
        "lessons learnt",
        "lessons",
        "lesson learned",
        "lesson learnt",
        "learnings",
        "key learnings",
        "key takeaways",
        "takeaways",
        "reflections",
    ),
    "authors": (
        "authors",
        "author",
        "attendees",
        "atendees",
        "participants",
        "reviewers",
        "people",
        "owners",
    ),
}
TIMELINE = (
    "timeline",
    "incident timeline",
    "detailed timeline",
    "chronology",
    "sequence of events",
    "timeline of events",
)
ACTIONS = (
    "action items",
    "action item",
    "actions",
    "follow up",
    "follow ups",
    "follow up actions",
    "follow up items",
    "next steps",
    "corrective actions",
    "corrective and preventative actions",
    "remediation",
    "remediations",
    "todo",
    "to do",
    "action plan",
)
STATS = ("stats", "statistics", "metrics", "key metrics", "numbers")


def normalise(heading: str) -> str:
    """`Contributing Factors (findings)` -> `contributing factors`; `Lessons-learnt:` ->
    `lessons learnt`; leading numbering (`3.`, `III.`) and emoji are dropped."""
    text = heading.lower()
    text = re.sub(r"\(.*?\)", " ", text)
    text = re.sub(r"^[\divxl]+[.)]\s+", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = text.replace("follow-up", "follow up")
    return " ".join(text.split())


_BY_NAME: dict[str, str] = {}
for _key, _names in HUMAN.items():
    for _name in _names:
        _BY_NAME[_name] = _key
for _name in TIMELINE:
    _BY_NAME[_name] = "timeline"
for _name in ACTIONS:
    _BY_NAME[_name] = "actions"
for _name in STATS:
    _BY_NAME[_name] = "stats"


def classify(heading: str) -> str | None:
    """The part a heading names (a human section key, `timeline`, `actions`, `stats`), or
    None."""
    name = normalise(heading)
    if name in _BY_NAME:
        return _BY_NAME[name]
    for prefix in ("incident ", "the ", "our "):
        if name.startswith(prefix) and name[len(prefix) :] in _BY_NAME:
            return _BY_NAME[name[len(prefix) :]]
    return None


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
