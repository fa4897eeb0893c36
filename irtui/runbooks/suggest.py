"""Suggest runbooks for an incident from its services and title.

Deliberately simple and explainable: each suggestion carries the reasons it was made ("service
postgres", "alert KubePodCrashLooping in title"), because an on-call engineer trusts a suggestion
they can check at a glance, and ignores a score they cannot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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
