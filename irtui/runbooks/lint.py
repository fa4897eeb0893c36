"""The runbook checker behind `irtui runbooks check`: real problems only, so people leave it on.

By default it reports what breaks a runbook at 3 a.m.: a header that did not parse (and so
lost its alerts and owner), an empty file, no title, links and images that lead nowhere,
`#anchors` that name no heading, a `last_reviewed` date older than the library allows (only
where the team writes one), and symlinks that point out of the library (not followed).

What a runbook *should* contain is each library's choice: "recommended sections" are an
opt-in rule set in the library's `irtui-runbooks.yaml` (`lint: recommended_sections:
starter` is the bundled starter set's template), or `--sections starter` on the command line.
A dead link that looks like a typo of an existing runbook is still dead: the finding says
"did you mean ...", the linter never resolves it on a guess.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from irtui.runbooks.libconfig import STARTER_SECTIONS, LibraryConfig, LibraryConfigError
from irtui.runbooks.links import LinkResolver, is_external, split_href, strip_markdown_suffix
from irtui.runbooks.model import STALE_AFTER_DAYS, Problem, Runbook, stale_age

RECOMMENDED_SECTIONS = STARTER_SECTIONS
"""The starter preset (kept under its old name for callers)."""


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    ascii_words = [w for w in words if w.isascii()]
    if not ascii_words:
        return re.compile(r"$^")
    return re.compile(
        r"(?:^|[^\w])(?:" + "|".join(re.escape(w) for w in ascii_words) + r")(?:$|[^\w])",
        re.IGNORECASE,
    )


def is_stale(runbook: Runbook, today: date, max_age_days: int = STALE_AFTER_DAYS) -> bool:
    """True when the runbook's last review is older than `max_age_days` (none given: False;
    the badge and the linter only act on a date someone actually wrote down)."""
    return stale_age(runbook.last_reviewed, today, max_age_days) is not None


def sections_present(
    runbook: Runbook, sections: Mapping[str, tuple[str, ...]] = STARTER_SECTIONS
) -> set[str]:
    """Which of `sections` the runbook's headings cover."""
    found: set[str] = set()
    for name, words in sections.items():
        pattern = _pattern(words)
        cjk = [w for w in words if not w.isascii()]
        for heading in runbook.headings:
            if pattern.search(heading.text) or any(w in heading.text for w in cjk):
                found.add(name)
                break
    return found


def lint_runbook(
    runbook: Runbook,
    resolver: LinkResolver,
    today: date,
    *,
    config: LibraryConfig | None = None,
    sections: Mapping[str, tuple[str, ...]] | None = None,
    anchors: Mapping[str, frozenset[str]] | None = None,
) -> list[Problem]:
    """All problems for one runbook, in line order. `resolver` knows every id in the library;
    `sections` (else the library's `recommended_sections`) turns the section rule on."""
    config = config or LibraryConfig()
    problems = list(runbook.problems)
    path = runbook.path
    if runbook.is_binary:
        return problems
    if not runbook.body.strip() and not runbook.front_matter:
        problems.append(Problem(path, 1, "file is empty", "empty"))
        return problems
    if runbook.is_section_index:
        return _sorted(problems)  # Hugo `_index.md` pages only hold a folder's metadata
    if not runbook.body.strip():
        problems.append(Problem(path, runbook.body_start_line, "no text after the front "
                                "matter", "empty"))  # fmt: skip
    if runbook.title_source == "filename":
        problems.append(
            Problem(path, 1, "no title (no `title:` front matter and no `# heading`)", "title")
        )
    wanted = sections if sections is not None else config.recommended_sections
    if wanted:
        missing = [name for name in wanted if name not in sections_present(runbook, wanted)]
        if missing:
            problems.append(
                Problem(path, runbook.body_start_line,
                        "missing recommended section(s): " + ", ".join(missing), "sections")
            )  # fmt: skip
    problems.extend(_dead_links(runbook, resolver, anchors or {}))
    if is_stale(runbook, today, config.stale_after_days):
        line = _front_matter_line(runbook, "last_reviewed")
        days = runbook.days_since_review(today)
        problems.append(
            Problem(
                path, line,
                f"stale: last reviewed {runbook.last_reviewed} ({days} days ago, "
                f"limit {config.stale_after_days}); owner: {runbook.owner or 'unknown'}",
                "stale",
            )
        )  # fmt: skip
    return _sorted(problems)


def _exists(runbook: Runbook, target: str) -> bool:
    """A relative target exists next to the runbook, with this exact case."""
    base = runbook.path.parent
    candidate = os.path.normpath(os.path.join(base, target))
    if not os.path.exists(candidate):
        return False
    folder, name = os.path.split(candidate)
    try:
        return name in os.listdir(folder) or not name
    except OSError:
        return True


def _dead_links(
    runbook: Runbook, resolver: LinkResolver, anchors: Mapping[str, frozenset[str]]
) -> list[Problem]:
    problems: list[Problem] = []
    for link in runbook.links:
        href = link.href.strip()
        if not href or is_external(href):
            continue
        target, anchor = split_href(href)
        if not target:  # `#section` in this runbook
            if anchor and anchor.lower() not in runbook.anchors:
                problems.append(Problem(runbook.path, link.line,
                                        f"no heading for anchor: {href}", "anchor"))  # fmt: skip
            continue
        resolve = resolver.resolve_ref if link.kind == "ref" else resolver.resolve
        found = resolve(runbook.id, href)
        if found is None and not target.startswith("/") and _exists(runbook, target):
            continue  # an image, a script or a folder next to the runbook
        if found is None:
            hint = resolver.closest(runbook.id, href)
            why = f"dead link: {href}" + (f" (did you mean {hint}?)" if hint else "")
            problems.append(Problem(runbook.path, link.line, why, "dead-link"))
            continue
        known = anchors.get(found)
        if anchor and known is not None and anchor.lower() not in known:
            why = f"no heading for anchor: {href} (in {found})"
            problems.append(Problem(runbook.path, link.line, why, "anchor"))
    for image in runbook.images:
        src = image.href.strip()
        if not src or is_external(src) or src.startswith("data:"):
            continue
        target, _anchor = split_href(src)
        if target.startswith("/"):
            root_target = os.path.join(runbook.root, target.lstrip("/"))
            if os.path.exists(root_target):
                continue
        elif _exists(runbook, target):
            continue
        problems.append(Problem(runbook.path, image.line, f"dead image: {src}", "dead-image"))
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
    runbooks: Iterable[Runbook],
    today: date,
    *,
    require_sections: bool | None = None,
    sections: Mapping[str, tuple[str, ...]] | None = None,
    configs: Mapping[Path, LibraryConfig] | None = None,
) -> list[Problem]:
    """Lint a whole library at once, so links to sibling runbooks resolve.

    `require_sections=True` applies the starter preset everywhere (as `sections=` would),
    `False` turns the rule off even where a library opts in, None follows each library.
    """
    items = list(runbooks)
    resolver = LinkResolver([rb.id for rb in items])
    anchors = {rb.id: rb.anchors for rb in items}
    if require_sections is True and sections is None:
        sections = STARTER_SECTIONS
    problems: list[Problem] = []
    for runbook in items:
        config = (configs or {}).get(runbook.root) or LibraryConfig()
        if require_sections is False:
            config = LibraryConfig(stale_after_days=config.stale_after_days)
        problems.extend(
            lint_runbook(
                runbook, resolver, today, config=config, sections=sections, anchors=anchors
            )
        )
    return problems


def lint_paths(
    paths: Iterable[Path],
    today: date,
    *,
    require_sections: bool | None = None,
    sections: Mapping[str, tuple[str, ...]] | None = None,
) -> list[Problem]:
    """Lint every runbook under the given folders (or single files), each with its
    library's `irtui-runbooks.yaml`; symlinks out of a folder are findings too. Raises
    `walk.WalkLimitError` for a folder too big to be a runbook library."""
    from irtui.runbooks.libconfig import load_library_config
    from irtui.runbooks.loader import load_file
    from irtui.runbooks.walk import discover

    roots = [Path(p) for p in paths]
    found = discover(roots)
    problems: list[Problem] = []
    configs: dict[Path, LibraryConfig] = {}
    for root in roots:
        try:
            configs[root] = load_library_config(root)
        except LibraryConfigError as exc:
            text = str(exc)
            match = re.match(r"^(.+?):(\d+): (.*)$", text, re.DOTALL)
            if match:
                file, line, message = match.group(1), int(match.group(2)), match.group(3)
            else:
                file, _, message = text.partition(": ")
                line = 1
            problems.append(Problem(Path(file), line, message, "config"))
    runbooks = [load_file(Path(path), Path(root), rid) for rid, (path, root) in
                found.files.items()]  # fmt: skip
    for path, reason in found.skipped:
        problems.append(Problem(Path(path), 0, f"{reason} (not followed)", "symlink"))
    problems.extend(
        lint_runbooks(
            runbooks, today, require_sections=require_sections, sections=sections, configs=configs
        )
    )
    return _sorted(problems)


__all__ = [
    "RECOMMENDED_SECTIONS", "is_stale", "lint_paths", "lint_runbook", "lint_runbooks",
    "sections_present", "strip_markdown_suffix",
]  # fmt: skip
