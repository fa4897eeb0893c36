"""Suggest runbooks for an incident from its services and title.

Deliberately simple and explainable: each suggestion carries the reasons it was made ("service
postgres", "alert KubePodCrashLooping in title"), because an on-call engineer trusts a suggestion
they can check at a glance, and ignores a score they cannot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from irtui.runbooks.model import RunbookSummary

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    "the and for with from into after before high low down not are was has have this that "
    "users user service services error errors issue incident degraded outage slow".split()
)
"""Words too common in incident titles to say anything about which runbook applies."""

SERVICE_WEIGHT = 5.0
ALERT_WEIGHT = 6.0
TAG_WEIGHT = 2.0
TITLE_WORD_WEIGHT = 1.0


@dataclass(frozen=True, slots=True)
class Suggestion:
    summary: RunbookSummary
    score: float
    reasons: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.summary.id


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) >= 3}


def _norm(name: str) -> str:
    return name.strip().lower()


def score_runbook(
    summary: RunbookSummary, title: str, services: Sequence[str]
) -> tuple[float, list[str]]:
    """Score one runbook against an incident; (0, []) means "not relevant"."""
    score = 0.0
    reasons: list[str] = []
    wanted_services = {_norm(s) for s in services if s.strip()}
    title_lower = title.lower()
    title_words = _words(title) - _STOP
    for service in summary.services:
        if _norm(service) in wanted_services:
            score += SERVICE_WEIGHT
            reasons.append(f"service {service}")
    for alert in summary.alerts:
        if len(alert) >= 4 and alert.lower() in title_lower:
            score += ALERT_WEIGHT
            reasons.append(f"alert {alert} in title")
    for tag in summary.tags:
        lowered = _norm(tag)
        if lowered in wanted_services or lowered in title_words:
            score += TAG_WEIGHT
            reasons.append(f"tag {tag}")
    overlap = sorted(title_words & (_words(summary.title) - _STOP))
    if overlap:
        score += TITLE_WORD_WEIGHT * len(overlap)
        reasons.append("title words: " + ", ".join(overlap))
    return score, reasons


def suggest(
    title: str,
    services: Sequence[str],
    summaries: Sequence[RunbookSummary],
    *,
    limit: int = 5,
) -> list[Suggestion]:
    """The best `limit` runbooks for an incident, highest score first, ties by title."""
    scored: list[Suggestion] = []
    for summary in summaries:
        score, reasons = score_runbook(summary, title, services)
        if score > 0:
            scored.append(Suggestion(summary, score, tuple(reasons)))
    scored.sort(key=lambda s: (-s.score, s.summary.title.lower(), s.summary.id))
    return scored[:limit]


TEXT_WEIGHT = 3.0
"""The best full-text match is worth this much (less than a service match, more than a tag)."""
_ALERT_LIKE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*[a-z][A-Z][A-Za-z0-9]*\b")


def _text_query(title: str) -> str:
    words = [w for w in _WORD.findall(title) if w.lower() not in _STOP and len(w) >= 2]
    return " ".join(words)


def suggest_from_index(
    index: Any,
    title: str,
    services: Sequence[str],
    summaries: Sequence[RunbookSummary],
    limit: int = 5,
) -> list[Suggestion]:
    """`suggest` plus the search index: runbooks whose text has the title's words (stemmed,
    with synonyms) join those matched by metadata, and the incident's services and alert
    names boost the text matches. Every suggestion still says why it was made."""
    by_id = {s.id: s for s in summaries}
    scored: dict[str, tuple[float, list[str]]] = {}
    for summary in summaries:
        score, reasons = score_runbook(summary, title, services)
        if score > 0:
            scored[summary.id] = (score, reasons)
    query = _text_query(title)
    if query:
        boost = {rid: (1.0 + value[0], "incident's services/alerts") for rid, value in
                 scored.items()}  # fmt: skip
        hits = [
            h for h in index.search(query, limit=30, boost=boost) if h.tier in ("exact", "words")
        ]
        if not hits:  # no runbook has every word: those with most of them, if metadata agrees
            hits = [h for h in index.search(query, limit=30, any_words=True, boost=boost)]
            hits = [h for h in hits if h.id in scored or h.tier == "exact"]
        best = max((h.score for h in hits), default=0.0) or 1.0
        for hit in hits:
            part = (
                TEXT_WEIGHT * max(hit.score, 0.0) / best if hit.tier != "exact" else 2 * TEXT_WEIGHT
            )
            if part < 0.75 and hit.id not in scored:
                continue  # a weak text match alone is noise in a suggestion list
            score, reasons = scored.get(hit.id, (0.0, []))
            label = "named in the title" if hit.tier == "exact" else "title words in its text"
            scored[hit.id] = (score + part, [*reasons, label])
    alerts_in_title = {a.lower() for a in _ALERT_LIKE.findall(title)}
    result = []
    for rid, (score, reasons) in scored.items():
        summary = by_id.get(rid)
        if summary is None:
            continue
        if summary.origin == "bundled":
            score *= 0.8  # the team's own runbook first when both fit
        if summary.stub:
            score *= 0.3
        if alerts_in_title and any(a.lower() in alerts_in_title for a in summary.alerts):
            score += ALERT_WEIGHT / 2  # the exact alert, not just a substring of the title
        result.append(Suggestion(summary, round(score, 3), tuple(dict.fromkeys(reasons))))
    result.sort(key=lambda s: (-s.score, s.summary.title.lower(), s.summary.id))
    return result[:limit]
