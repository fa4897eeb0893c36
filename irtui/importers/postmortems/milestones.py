"""Milestones and entry kinds read from the words of a postmortem's timeline.

A document rarely labels its milestones; its lines say what happened. In order of trust:
1. explicit markers: `**Detection:**`, `**Recovery:**` / `Resolved:`, `(problem started)`,
   `(resolved)`, `impact started`, `incident declared`;
2. words: detection (alert, alarm, reported, noticed, discovered, detected, notified, paged,
   became aware), acknowledgement (investigation started, started looking, began working,
   joined, war room, incident declared, acknowledged), mitigation (mitigated, rolled back,
   reverted, workaround, quick fix, manual fix, failover, temporarily), resolution (resolved,
   restored, recovered, back to normal, verified operational/working, working as intended,
   healthy again, fixed, closed, solved);
3. position: `started` is the first timed line unless a line is marked as the start of the
   impact; `resolved` is the *last* line that reads as a resolution, else the last timed line.
`detected` is the first detection line at or after `started` (else `started`), then
`acknowledged` the first acknowledgement at or after it (else `detected`), `mitigated` the
first mitigation at or after that (else none). These rules are compared with the dfds
postmortems' human-reported figures in `bench/bench_review.py` (the differences are listed
there, not hidden).
"""

from __future__ import annotations

import re
from datetime import datetime

_START_MARK = re.compile(
    r"\((?:problem|issue|impact|incident|outage) (?:started|began|begins)\)|"
    r"\b(?:impact|outage|incident|problem) (?:started|began|begins)\b|\*\*(?:start|impact)\s*:\*\*",
    re.I,
)
_DETECT_MARK = re.compile(r"^\W*(?:detection|detected|discovery)\s*:", re.I)
_RESOLVE_MARK = re.compile(
    r"^\W*(?:recovery|resolution|resolved|recovered)\s*:|\((?:resolved|recovered)\)", re.I
)
_DETECT = re.compile(
    r"\b(?:alert\w*|alarm\w*|reported|reports?|reporting|noticed|discover\w*|detect\w*|notified|"
    r"paged|page[ds]? (?:out|sent)|became aware|made aware|aware of|observed|complain\w*|"
    r"reached out|asks? if|flagged)\b",
    re.I,
)
_ACK = re.compile(
    r"\b(?:investigat\w*|started looking|looking into|began working|begin working|started working|"
    r"joined (?:the )?(?:call|bridge|war ?room|channel|incident|investigation)|war ?room|"
    r"incident (?:declared|raised|created|opened)|acknowledged\b|triage\w*|"
    r"responding|on[- ]call (?:engineer )?(?:started|engaged)|root cause investigation)\b",
    re.I,
)
_MITIGATE = re.compile(
    r"\b(?:mitigat\w*|roll(?:ed)? ?back|rollback|revert\w*|workaround|quick fix|"
    r"manual(?:ly)? fix\w*|"
    r"hotfix\w*|fail(?:ed)? ?over|temporar\w*|scaled (?:up|down)|restarted|re-?attached|"
    r"manually (?:attach|patch|delet|set|mark)\w*)\b",
    re.I,
)
_RESOLVE = re.compile(
    r"\b(?:resolved|restored|recovered|back to normal|back up|operational|"
    r"working as (?:intended|expected)|verified working|confirmed working|working again|"
    r"healthy again|is fine|now fine|permanently fixed|fixed|closed|solved|everything is back|"
    r"all healthy|service (?:is )?(?:back|operational|restored))\b",
    re.I,
)
_COMMUNICATION = re.compile(
    r"\b(?:mail sent|email sent|e-mail|posted|status ?page|announc\w*|informed|communicat\w*|"
    r"notified (?:the )?(?:team|users|customers)|slack|update (?:given|requested|sent))\b",
    re.I,
)
_DECISION = re.compile(r"\b(?:decided|decision|agreed|chose|opted)\b", re.I)
_ESCALATION = re.compile(r"\b(?:escalat\w*|sev ?[0-2]\b|paged|incident manager)\b", re.I)


_NEGATION = re.compile(
    r"(?:\bnot|n't|\bno|\bnever|\bstill not|\bwasn't|\bweren't)\s+(?:\w+\s+)?$", re.I
)


def _says(pattern: re.Pattern[str], text: str) -> bool:
    """`pattern` occurs in `text` and is not negated ("not operational", "wasn't fixed")."""
    for match in pattern.finditer(text):
        if not _NEGATION.search(text[max(0, match.start() - 24) : match.start()]):
            return True
    return False


def kind_of(text: str) -> str:
    """The entry kind a timeline line reads as (what the TUI icons and the postmortem's
    decision table use)."""
    if _DETECT_MARK.search(text) or (_DETECT.search(text) and not _says(_RESOLVE, text)):
        return "detection"
    if _RESOLVE_MARK.search(text) or _says(_RESOLVE, text):
        return "resolution"
    if _DECISION.search(text):
        return "decision"
    if _ESCALATION.search(text):
        return "escalation"
    if _COMMUNICATION.search(text):
        return "communication"
    if _MITIGATE.search(text) or _ACK.search(text):
        return "action"
    return "note"


def infer(timed: list[tuple[datetime, str]]) -> dict[str, datetime | None]:
    """started/detected/acknowledged/mitigated/resolved from (UTC time, text) rows in time
    order (see the module docstring)."""
    out: dict[str, datetime | None] = dict.fromkeys(
        ("started", "detected", "acknowledged", "mitigated", "resolved")
    )
    if not timed:
        return out
    rows = sorted(timed, key=lambda r: r[0])
    started = next((at for at, text in rows if _START_MARK.search(text)), rows[0][0])
    after = [(at, text) for at, text in rows if at >= started]
    detected = next((at for at, text in after if _DETECT_MARK.search(text)), None)
    if detected is None:
        # Nobody investigates what nobody has noticed: the first acknowledgement line
        # bounds detection too.
        candidates = [
            next((at for at, text in after if _DETECT.search(text)), None),
            next((at for at, text in after if _ACK.search(text)), None),
        ]
        detected = min((c for c in candidates if c is not None), default=started)
    resolved = next((at for at, text in reversed(after) if _RESOLVE_MARK.search(text)), None)
    if resolved is None:
        resolved = next(
            (at for at, text in reversed(after) if _says(_RESOLVE, text) and at >= detected),
            after[-1][0],
        )
    detected = min(detected, resolved)
    acknowledged = next(
        (at for at, text in after if detected <= at <= resolved and _ACK.search(text)), detected
    )
    mitigated = next(
        (at for at, text in after if acknowledged <= at < resolved and _MITIGATE.search(text)),
        None,
    )
    out.update(
        started=started,
        detected=detected,
        acknowledged=acknowledged,
        mitigated=mitigated,
        resolved=resolved,
    )
    return out
