"""A shift and the rule that decides who is on call at an instant.

Shifts are half-open, `[start, end)`: at the exact hand-over second the incoming person is on
call. Resolution at an instant, highest precedence first:
1. overrides covering it (an override calendar or a YAML override always wins);
2. the *last* layer that has someone then (later layers win, as in PagerDuty), and within it
   the highest Grafana-style level (`[L1] name` beats `[L0]`);
3. nobody: a gap, which the caller must show loudly.
Two different people left after that rule are a real overlap (deliberate double cover, or a
mistake): both are returned, never one picked silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

EPSILON = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Shift:
    person: str
    """As written in the source (a key, a display name, a username or an e-mail)."""
    start: datetime
    end: datetime
    level: int = 0
    email: str = ""
    reason: str = ""
    source: str = ""

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True, slots=True)
class Answer:
    """Who is on call at one instant, and why."""

    people: tuple[str, ...] = ()
    kind: str = "gap"  # gap | layer | override
    layer: int = -1
    reasons: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    shifts: tuple[Shift, ...] = field(default=(), compare=False)

    @property
    def overlap(self) -> bool:
        return len(self.people) > 1

    @property
    def gap(self) -> bool:
        return not self.people


def _unique(shifts: list[Shift]) -> list[Shift]:
    """One shift per person (case-insensitive), the most recently started first: when an
    override or a double cover overlaps, the newest arrangement is listed first."""
    seen: set[str] = set()
    out = []
    for shift in sorted(shifts, key=lambda s: (s.start, s.person), reverse=True):
        key = (shift.email or shift.person).strip().lower()
        if key not in seen:
            seen.add(key)
            out.append(shift)
    return out


def _answer(kind: str, layer: int, active: list[Shift]) -> Answer:
    chosen = _unique(active)
    return Answer(
        people=tuple(s.person for s in chosen),
        kind=kind,
        layer=layer,
        reasons=tuple(s.reason for s in chosen if s.reason),
        emails=tuple(s.email for s in chosen),
        shifts=tuple(chosen),
    )


def answer_at(at: datetime, layers: list[list[Shift]], overrides: list[Shift]) -> Answer:
    active = [s for s in overrides if s.covers(at) and s.person]
    if active:
        return _answer("override", -1, active)
    for index in range(len(layers) - 1, -1, -1):
        active = [s for s in layers[index] if s.covers(at)]
        if active:
            top = max(s.level for s in active)
            staffed = [s for s in active if s.level == top and s.person]
            if staffed:
                return _answer("layer", index, staffed)
            return Answer((), "gap", index, ("a shift with nobody assigned",))
    return Answer()


def boundaries(layers: list[list[Shift]], overrides: list[Shift]) -> list[datetime]:
    points = {s.start for layer in layers for s in layer} | {
        s.end for layer in layers for s in layer
    }
    points |= {s.start for s in overrides} | {s.end for s in overrides}
    return sorted(points)


@dataclass(frozen=True, slots=True)
class Span:
    """The answer at an instant with the span it holds for: `since` and `until` are None
    when the answer holds beyond the window that was looked at."""

    answer: Answer
    since: datetime | None
    until: datetime | None
    next: Answer | None


def span_at(at: datetime, layers: list[list[Shift]], overrides: list[Shift]) -> Span:
    """The answer at `at`, when it began and when it changes (the shift end), and the next
    answer after that."""
    current = answer_at(at, layers, overrides)
    points = boundaries(layers, overrides)
    until = nxt = None
    for point in points:
        if point <= at:
            continue
        candidate = answer_at(point, layers, overrides)
        if candidate != current:
            until, nxt = point, candidate
            break
    since = None
    for point in reversed(points):
        if point > at:
            continue
        if answer_at(point - EPSILON, layers, overrides) != current:
            since = point
            break
    return Span(current, since, until, nxt)
