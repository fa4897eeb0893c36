"""Blameless check: flag phrasing that blames a person and suggest describing the system.

A postmortem that ends at "Bob should have checked" stops learning exactly where it should
start: what made the action reasonable at the time, and what would have caught it. The rules
are deliberately few and explainable; each finding carries the line, the words that matched and
a concrete rewrite hint. They are heuristics, so the check warns and never blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SYSTEM_HINT = (
    "describe the conditions instead: what did the system, tooling or process make "
    "easy, hard or invisible at that moment?"
)


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    suggestion: str
    root_cause_only: bool = False


def _rx(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


RULES: tuple[Rule, ...] = (
    Rule(
        "should-have",
        _rx(
            r"\b[\w.'-]+\s+(?:should|shouldn't|should not|ought to)\s*"
            r"(?:'ve|have|n't have)\b"
        ),
        "hindsight: instead of what someone should have done, write what they knew and saw "
        "then, and what check or guard-rail was missing",
    ),
    Rule(
        "fault",
        _rx(
            r"\b(?:[\w.-]+'s\s+fault|fault\s+of\s+[\w.-]+|(?:his|her|their|my|"
            r"your)\s+fault|at\s+fault)\b"
        ),
        "fault belongs to no one: " + _SYSTEM_HINT,
    ),
    Rule(
        "blame",
        _rx(r"\bblam(?:e|ed|es|ing)\b"),
        "a review looks for causes, not culprits: " + _SYSTEM_HINT,
    ),
    Rule(
        "human-error",
        _rx(
            r"\b(?:human|operator|user|engineer)\s+error\b|\bpebkac\b|"
            r"\bfat[- ]finger(?:ed|ing)?\b"
        ),
        "'human error' is where the investigation starts, not a root cause: why was the "
        "mistake possible, and why did nothing catch it?",
    ),
    Rule(
        "character",
        _rx(
            r"\b(?:careless(?:ly|ness)?|negligen(?:t|ce)|sloppy|lazy|"
            r"incompeten(?:t|ce)|reckless(?:ly)?|stupid(?:ity)?|dumb|"
            r"irresponsibl[ey]|inattentive)\b"
        ),
        "judges a person's character; describe the action and its context instead",
    ),
    Rule(
        "forgot",
        _rx(r"\b(?:forgot|neglected|failed)\s+to\b|\bdidn't\s+bother\b"),
        "what reminder, checklist item or automation was missing for this step?",
    ),
    Rule(
        "just",
        _rx(r"\bsimply\s+(?:needed|had)\s+to\b|\bobviously\b|\bjust\s+had\s+to\b"),
        "'obviously' and 'simply' hide why it was not obvious at the time",
    ),
)


@dataclass(frozen=True, slots=True)
class Finding:
    section: str
    line: int
    text: str
    rule: str
    suggestion: str

    def to_dict(self) -> dict[str, object]:
        return {
            "section": self.section,
            "line": self.line,
            "text": self.text,
            "rule": self.rule,
            "suggestion": self.suggestion,
        }


def check(text: str, section: str = "") -> list[Finding]:
    """Findings in `text` (1-based line numbers within it), in reading order."""
    findings: list[Finding] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("<!--"):
            continue  # our own TODO markers
        for rule in RULES:
            for match in rule.pattern.finditer(line):
                findings.append(
                    Finding(section, number, match.group(0), rule.name, rule.suggestion)
                )
    return findings


def check_sections(sections: dict[str, str]) -> list[Finding]:
    """Check several named texts (postmortem sections, timeline entries)."""
    out: list[Finding] = []
    for name, text in sections.items():
        out.extend(check(text, name))
    return out
