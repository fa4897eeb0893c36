"""Headings of a postmortem and the part of irtui's postmortem each one names.

Shared by the draft's read-back (`irtui postmortem ID --from FILE`) and the Markdown importer
(`irtui import postmortem`): headings are compared case-, punctuation- and
spelling-variant-insensitively ("Lessons learnt", "Lessons Learned", "Contributing Factors
(findings)", "Atendees").
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
