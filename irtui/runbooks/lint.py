"""The runbook checker behind `irtui runbooks check`.

A runbook is read under stress, so the checks are about what an on-call engineer will miss at
3 a.m.: a header that did not parse (and so lost its alerts and owner), no title, missing
sections (there is no rollback plan), links that lead nowhere, and a review date so old that the
commands may no longer be true.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from irtui.runbooks.links import LinkResolver, is_external, split_href
from irtui.runbooks.loader import load_dirs
from irtui.runbooks.model import STALE_AFTER_DAYS, Problem, Runbook, stale_age

RECOMMENDED_SECTIONS: dict[str, tuple[str, ...]] = {
    "overview": (
        "overview", "summary", "meaning", "description", "about", "context", "background",
        "what is this", "symptoms", "概述", "含义", "概览", "描述",
    ),
    "impact": ("impact", "customer impact", "user impact", "blast radius", "影响"),
    "investigation": (
        "investigation", "investigate", "diagnosis", "diagnose", "diagnostics", "triage",
        "troubleshooting", "troubleshoot", "debugging", "debug", "detection", "诊断", "排查",
    ),
    "mitigation": (
        "mitigation", "mitigate", "remediation", "resolution", "resolve", "fix", "recovery",
        "recover", "workaround", "缓解", "修复", "处理",
    ),
    "rollback": ("rollback", "roll back", "roll-back", "revert", "back out", "backout", "回滚"),
    "escalation": (
        "escalation", "escalate", "contacts", "contact", "owners", "who to call", "on-call",
        "升级", "联系人",
    ),
}  # fmt: skip
"""Section name -> heading words that count as that section (matched case-insensitively)."""

_PATTERNS = {
    name: re.compile(
        r"(?:^|[^\w])(?:" + "|".join(re.escape(s) for s in synonyms) + r")(?:$|[^\w])"
        if synonyms
        else r"$^",
        re.IGNORECASE,
    )
    for name, synonyms in RECOMMENDED_SECTIONS.items()
}
_CJK_SYNONYMS = {
    name: tuple(s for s in synonyms if not s.isascii())
    for name, synonyms in RECOMMENDED_SECTIONS.items()
}


def is_stale(runbook: Runbook, today: date, max_age_days: int = STALE_AFTER_DAYS) -> bool:
    """True when the runbook's last review is older than `max_age_days` (none given: False;
    the badge and the linter only act on a date someone actually wrote down)."""
    return stale_age(runbook.last_reviewed, today, max_age_days) is not None


def sections_present(runbook: Runbook) -> set[str]:
    """Which recommended sections the runbook's headings cover."""
    found: set[str] = set()
    for heading in runbook.headings:
        text = heading.text
        for name, pattern in _PATTERNS.items():
            if pattern.search(text) or any(s in text for s in _CJK_SYNONYMS[name]):
                found.add(name)
    return found


def lint_runbook(
    runbook: Runbook,
    resolver: LinkResolver,
    today: date,
    *,
    require_sections: bool = True,
) -> list[Problem]:
    """All problems for one runbook, in line order. `resolver` knows every id in the library."""
    problems = list(runbook.problems)
    path = runbook.path
    if runbook.is_binary:
        return problems
    if not runbook.body.strip() and not runbook.front_matter:
        problems.append(Problem(path, 1, "file is empty", "empty"))
        return problems
    if runbook.is_section_index:
        return _sorted(problems)  # Hugo `_index.md` pages only hold a folder's metadata

    if runbook.title_source == "filename":
        problems.append(
            Problem(path, 1, "missing title (no `title:` front matter and no heading)", "title")
        )
    if require_sections:
        missing = [name for name in RECOMMENDED_SECTIONS if name not in sections_present(runbook)]
        if missing:
            problems.append(
                Problem(
                    path,
                    runbook.body_start_line,
                    "missing recommended section(s): " + ", ".join(missing),
                    "sections",
                )
            )
    problems.extend(_dead_links(runbook, resolver))
    if is_stale(runbook, today):
        line = _front_matter_line(runbook, "last_reviewed")
        days = runbook.days_since_review(today)
        problems.append(
            Problem(
                path,
                line,
                f"stale: last reviewed {runbook.last_reviewed} ({days} days ago, "
                f"limit {STALE_AFTER_DAYS}); owner: {runbook.owner or 'unknown'}",
                "stale",
            )
        )
    return _sorted(problems)


def _dead_links(runbook: Runbook, resolver: LinkResolver) -> list[Problem]:
    problems: list[Problem] = []
    for link in runbook.links:
        href = link.href.strip()
        if not href or is_external(href) or href.startswith("#"):
            continue
        if resolver.resolve(runbook.id, href) is not None:
            continue
        target, _anchor = split_href(href)
        candidate = (runbook.path.parent / target).resolve() if target else None
        if candidate is not None and not target.startswith("/") and candidate.exists():
            continue  # an image, a script or a folder next to the runbook
        problems.append(Problem(runbook.path, link.line, f"dead link: {href}", "dead-link"))
    return problems


def _front_matter_line(runbook: Runbook, key: str) -> int:
    try:
        with runbook.path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if number >= runbook.body_start_line:
                    break
                if line.lstrip().startswith(f"{key}:"):
                    return number
    except OSError:
        pass
    return 1


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (str(p.path), p.line))


def lint_runbooks(
    runbooks: Iterable[Runbook], today: date, *, require_sections: bool = True
) -> list[Problem]:
    """Lint a whole library at once, so links to sibling runbooks resolve."""
    items = list(runbooks)
    resolver = LinkResolver([rb.id for rb in items])
    problems: list[Problem] = []
    for runbook in items:
        problems.extend(lint_runbook(runbook, resolver, today, require_sections=require_sections))
    return problems


def lint_paths(
    paths: Iterable[Path], today: date, *, require_sections: bool = True
) -> list[Problem]:
    """Lint every runbook under the given folders (or single files)."""
    return lint_runbooks(load_dirs(paths), today, require_sections=require_sections)
