"""`irtui runbooks ...`: search, show, lint and track runbooks from the command line.

Sub-commands: `search QUERY [--json]`, `show NAME`, `check DIR...` (exit 1 when problems are
found), `stale`, `suggest INC`, `pin INC NAME`, `tick INC NAME STEP [--undo]`, `steps NAME
[--incident INC]`. Every one accepts `--runbooks DIR` (repeatable) to add folders ahead of
`$IRTUI_RUNBOOKS`, `config.yaml` and the bundled library.

Nothing here imports Textual, and nothing ever runs a command written in a runbook.
"""

from __future__ import annotations

import argparse
from typing import Any

from irtui.cli.context import CliContext, UsageError


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    from irtui.cli import helptext as h

    both = [*parents, _runbook_options(for_action=False)]
    per_action = [*parents, _runbook_options(for_action=True)]
    top = sub.add_parser(
        "runbooks", parents=both, help="search, read and check runbooks",
        description="Search, read and check the runbook library (offline Markdown files).",
        **h.examples(
            'irtui runbooks search "connection pool"', "irtui runbooks show disk-full",
            "irtui runbooks check ~/runbooks", "irtui runbooks ACTION --help",
        ),
    )  # fmt: skip
    top.set_defaults(handler=_help(top))
    rb = top.add_subparsers(dest="runbooks_command", metavar="ACTION")

    def add(
        name: str, handler: Any, help_: str, example: tuple[str, ...]
    ) -> argparse.ArgumentParser:
        p = rb.add_parser(
            name, parents=per_action, help=help_, description=help_, **h.examples(*example)
        )
        p.set_defaults(handler=handler)
        return p

    inc = "the incident: INC-7, inc-7 or 7"
    name_help = "the runbook: its id, file name, title or an alert it covers"
    p = add(
        "search", cmd_search, "full-text search (title, alerts, services, tags, body)",
        ('irtui runbooks search "connection pool"', "irtui runbooks search service:postgres lag",
         "irtui runbooks search alert:KubePodCrashLooping --json",
         'irtui runbooks search "disk full" --explain'),
    )  # fmt: skip
    p.add_argument("query", nargs="+", help="words; prefix with service:, alert:, tag:, title:")
    p.add_argument("--limit", type=int, default=20, help="at most this many hits (default 20)")
    p.add_argument("--json", action="store_true", help=h.JSON)
    p.add_argument("--explain", action="store_true", help="say why each result ranked there")

    p = add(
        "show", cmd_show, "print a runbook (by id, file name, title or alert)",
        ("irtui runbooks show disk-full", "irtui runbooks show NodeFilesystemAlmostOutOfSpace"),
    )  # fmt: skip
    p.add_argument("name", help=name_help)
    p.add_argument("--json", action="store_true", help="metadata, steps and body as JSON")

    p = add(
        "check", cmd_check, "lint runbook folders; exit 1 when problems are found",
        ("irtui runbooks check ~/runbooks",
         "irtui runbooks check docs/runbooks --sections starter"),
    )  # fmt: skip
    p.add_argument("dirs", nargs="+", metavar="DIR", help="a folder of Markdown runbooks")
    p.add_argument(
        "--sections", metavar="PRESET", default=None,
        help="also require the sections of PRESET (`starter`: the bundled set's template), "
             "whatever the library's irtui-runbooks.yaml says",
    )  # fmt: skip
    p.add_argument(
        "--no-sections", action="store_true",
        help="do not require sections, even where a library's irtui-runbooks.yaml asks",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = add(
        "stale", cmd_stale, "runbooks not reviewed for more than 90 days, with owners",
        ("irtui runbooks stale", "irtui runbooks stale --runbooks ~/runbooks --json"),
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = add(
        "suggest", cmd_suggest, "runbooks matching an incident's services and title",
        ("irtui runbooks suggest INC-7",),
    )  # fmt: skip
    p.add_argument("incident", help=inc)
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = add(
        "pin", cmd_pin, "pin a runbook to an incident (its steps become a checklist)",
        ("irtui runbooks pin INC-7 database-connection-exhaustion",),
    )  # fmt: skip
    p.add_argument("incident", help=inc)
    p.add_argument("name", help=name_help)

    p = add(
        "unpin", cmd_unpin, "take a runbook off an incident (its ticks stay on the timeline)",
        ("irtui runbooks unpin INC-7 database-connection-exhaustion",),
    )  # fmt: skip
    p.add_argument("incident", help=inc)
    p.add_argument("name", help=name_help)

    p = add(
        "tick", cmd_tick, "tick (or --undo) a step of a runbook for an incident",
        ("irtui runbooks tick INC-7 disk-full 2", "irtui runbooks tick INC-7 disk-full 2 --undo"),
    )  # fmt: skip
    p.add_argument("incident", help=inc)
    p.add_argument("name", help=name_help)
    p.add_argument("step", type=int, help="the step's number (irtui runbooks steps NAME)")
    p.add_argument("--undo", action="store_true", help="untick it (an event as well)")

    p = add(
        "steps", cmd_steps, "list a runbook's steps (with ticks for --incident)",
        ("irtui runbooks steps disk-full", "irtui runbooks steps disk-full --incident INC-7"),
    )  # fmt: skip
    p.add_argument("name", help=name_help)
    p.add_argument("--incident", default=None, metavar="INC", help="show this incident's ticks")
    p.add_argument("--json", action="store_true", help=h.JSON)


def _runbook_options(*, for_action: bool) -> argparse.ArgumentParser:
    """`--runbooks/--no-bundled/--index`, accepted before `runbooks`, after it and after the
    action (`irtui --runbooks X runbooks search q`, `irtui runbooks --runbooks X search q`,
    `irtui runbooks search q --runbooks X`).

    argparse gives each sub-command a fresh namespace and copies it over its parent's, so an
    option that a sub-parser also defines overwrites the value given before it (that is how
    `irtui --runbooks DIR runbooks search` used to lose DIR). Each level therefore has its
    own `dest`, defaulting to SUPPRESS, and `_runbook_dirs` adds them up in order.
    """
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--runbooks", action="append", default=argparse.SUPPRESS, metavar="DIR",
        dest="runbooks_action" if for_action else "runbooks_group",
        help="a runbook folder (repeatable); searched before $IRTUI_RUNBOOKS, config.yaml "
             "`runbooks:` and the bundled library",
    )  # fmt: skip
    shared.add_argument(
        "--no-bundled", action="store_true", default=argparse.SUPPRESS,
        help="leave the bundled starter runbooks out",
    )  # fmt: skip
    shared.add_argument(
        "--index", default=argparse.SUPPRESS, metavar="FILE",
        help="search index file (default: <cache dir>/runbooks.sqlite)",
    )  # fmt: skip
    return shared


def _runbook_dirs(args: argparse.Namespace) -> list[str]:
    """Every `--runbooks` given, wherever on the command line, in the order given."""
    dirs: list[str] = []
    for dest in ("runbooks", "runbooks_group", "runbooks_action"):
        dirs.extend(getattr(args, dest, None) or [])
    return dirs


def _help(parser: argparse.ArgumentParser) -> Any:
    def run(args: argparse.Namespace, ctx: CliContext) -> int:
        ctx.out.write(parser.format_help())
        return 2

    return run


def _library(args: argparse.Namespace) -> Any:
    from irtui.runbooks.dirs import RunbookDirsError
    from irtui.runbooks.library import RunbookLibrary

    try:
        library = RunbookLibrary.from_config(
            _runbook_dirs(args),
            index_path=getattr(args, "index", None),
            include_bundled=not getattr(args, "no_bundled", False),
        )
    except RunbookDirsError as exc:
        raise UsageError(str(exc)) from exc
    return _Guarded(library)


class _Guarded:
    """The library, with a folder too big to walk (`--runbooks /`) turned into exit 2."""

    def __init__(self, library: Any) -> None:
        self._library = library

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._library, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            from irtui.runbooks.walk import WalkLimitError

            try:
                return attr(*args, **kwargs)
            except WalkLimitError as exc:
                raise UsageError(str(exc)) from None

        return call


def _resolve(library: Any, name: str) -> Any:
    """A runbook by id, file name, title or alert; or a Markdown file given by its path."""
    from pathlib import Path

    from irtui.runbooks.library import RunbookNotFound
    from irtui.runbooks.loader import load_file

    if ("/" in name or name.endswith(".md")) and Path(name).is_file():
        return load_file(Path(name))
    try:
        return library.resolve(name)
    except RunbookNotFound as exc:
        raise UsageError(str(exc)) from exc


def _load_runbook(args: argparse.Namespace) -> Any:
    """The one runbook `args.name` names (exit 2 with candidates when it is not exactly one)."""
    library = _library(args)
    try:
        return _resolve(library, args.name)
    finally:
        library.close()


def _summary_dict(summary: Any) -> dict[str, Any]:
    return {
        "id": summary.id,
        "title": summary.title,
        "path": str(summary.path),
        "services": list(summary.services),
        "alerts": list(summary.alerts),
        "tags": list(summary.tags),
        "severity": summary.severity,
        "owner": summary.owner,
        "last_reviewed": summary.last_reviewed.isoformat() if summary.last_reviewed else None,
        "problems": summary.problem_count,
    }


def cmd_search(args: argparse.Namespace, ctx: CliContext) -> int:
    library = _library(args)
    try:
        hits = library.search(" ".join(args.query), limit=max(1, args.limit),
                              explain=args.explain)  # fmt: skip
    finally:
        library.close()
    if args.json:
        ctx.print_json(
            [
                {**_summary_dict(h.summary), "score": h.score, "snippet": h.snippet,
                 "match": h.tier, **({"why": list(h.reasons)} if args.explain else {})}
                for h in hits
            ]
        )  # fmt: skip
        return 0
    if not hits:
        ctx.err.write("no runbook matches\n")
        return 1
    for rank, hit in enumerate(hits, start=1):
        marks = "".join(
            f"  [{m}]" for m in (
                "starter" if hit.summary.origin == "bundled" else "",
                f"stub: {hit.summary.stub}" if hit.summary.stub else "",
            ) if m
        )  # fmt: skip
        ctx.print(f"{hit.id}  —  {hit.title}{marks}")
        if hit.snippet:
            ctx.print(f"    {hit.snippet}")
        if args.explain:
            ctx.print(f"    #{rank} ({hit.tier}, score {hit.score:g}):")
            for reason in hit.reasons:
                ctx.print(f"      - {reason}")
    return 0


def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.runbooks.library import stale_days
    from irtui.runbooks.model import RunbookSummary
    from irtui.runbooks.render import plain_text

    runbook = _load_runbook(args)
    today = ctx.clock().date()
    if args.json:
        data = {
            **_summary_dict(RunbookSummary.of(runbook)),
            "front_matter": _jsonable(runbook.front_matter),
            "headings": [{"level": h.level, "text": h.text, "line": h.line}
                         for h in runbook.headings],
            "steps": [{"number": s.number, "text": s.text, "section": s.section}
                      for s in runbook.steps],
            "body": runbook.body,
            "stale_days": stale_days(runbook, today),
        }  # fmt: skip
        ctx.print_json(data)
        return 0
    ctx.out.write(plain_text(runbook, stale_days(runbook, today)))
    return 0


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def cmd_check(args: argparse.Namespace, ctx: CliContext) -> int:
    from pathlib import Path

    from irtui.runbooks.lint import lint_paths

    paths = [Path(d) for d in args.dirs]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError("no such file or folder: " + ", ".join(missing))
    from irtui.runbooks.libconfig import PRESETS
    from irtui.runbooks.walk import WalkLimitError

    sections = None
    if args.sections is not None:
        sections = PRESETS.get(args.sections.strip().lower())
        if sections is None:
            raise UsageError(
                f"--sections {args.sections}: unknown preset (known: {', '.join(PRESETS)})"
            )
    try:
        problems = lint_paths(
            paths, ctx.clock().date(), require_sections=False if args.no_sections else None,
            sections=sections,
        )  # fmt: skip
    except WalkLimitError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        ctx.print_json(
            [{"path": str(p.path), "line": max(p.line, 1), "code": p.code, "message": p.message}
             for p in problems]
        )  # fmt: skip
    else:
        for problem in problems:
            ctx.print(problem.format())
        files = len({p.path for p in problems})
        summary = f"{len(problems)} problem(s) in {files} file(s)" if problems else "no problems"
        ctx.err.write(summary + "\n")
    return 1 if problems else 0


def cmd_stale(args: argparse.Namespace, ctx: CliContext) -> int:
    library = _library(args)
    try:
        stale = library.stale(ctx.clock().date())
    finally:
        library.close()
    if args.json:
        ctx.print_json([{**_summary_dict(s), "days": days} for s, days in stale])
        return 0
    if not stale:
        ctx.print("no stale runbooks")
        return 0
    by_owner: dict[str, list[tuple[Any, int]]] = {}
    for summary, days in stale:
        by_owner.setdefault(summary.owner or "(no owner)", []).append((summary, days))
    for owner in sorted(by_owner):
        ctx.print(owner)
        for summary, days in by_owner[owner]:
            reviewed = summary.last_reviewed.isoformat() if summary.last_reviewed else "?"
            ctx.print(f"  {summary.id}  last reviewed {reviewed} ({days} days)  {summary.title}")
    return 0


def cmd_suggest(args: argparse.Namespace, ctx: CliContext) -> int:
    incident = ctx.store().get(args.incident)
    library = _library(args)
    try:
        suggestions = library.suggest(incident.title, incident.services)
    finally:
        library.close()
    if args.json:
        ctx.print_json(
            [{**_summary_dict(s.summary), "score": s.score, "reasons": list(s.reasons)}
             for s in suggestions]
        )  # fmt: skip
        return 0
    if not suggestions:
        ctx.print(f"no runbook matches {incident.id}")
        return 0
    for item in suggestions:
        ctx.print(f"{item.id}  —  {item.summary.title}  ({'; '.join(item.reasons)})")
    return 0


def cmd_pin(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.runbooks.progress import pin_runbook

    runbook = _load_runbook(args)
    store = ctx.store()
    incident = store.get(args.incident)
    event = pin_runbook(store, incident.id, runbook)
    if event is None:
        ctx.print(f"{runbook.id} was already pinned to {incident.id}")
    else:
        ctx.print(f"pinned {runbook.id} ({len(runbook.steps)} steps) to {incident.id}")
    return 0


def cmd_unpin(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.runbooks.progress import fold_progress, unpin_runbook

    store = ctx.store()
    incident = store.get(args.incident)
    pinned = fold_progress(store.events(incident.id))
    # By id as pinned (the runbook may no longer be in this seat's folders), else resolved.
    rid = args.name if args.name in pinned else _load_runbook(args).id
    if unpin_runbook(store, incident.id, rid) is None:
        raise UsageError(f"{rid} is not pinned to {incident.id}")
    ctx.print(f"unpinned {rid} from {incident.id}")
    return 0


def cmd_tick(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.runbooks.progress import pin_runbook, tick_step

    runbook = _load_runbook(args)
    store = ctx.store()
    incident = store.get(args.incident)
    if not 1 <= args.step <= len(runbook.steps):
        raise UsageError(f"{runbook.id} has {len(runbook.steps)} steps; no step {args.step}")
    pin_runbook(store, incident.id, runbook)
    tick_step(store, incident.id, runbook, args.step, done=not args.undo)
    state = "un-ticked" if args.undo else "done"
    ctx.print(f"{incident.id}: step {args.step} of {runbook.title} {state}")
    return 0


def cmd_steps(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.runbooks.progress import fold_progress

    runbook = _load_runbook(args)
    progress = None
    if args.incident:
        progress = fold_progress(ctx.store().events(args.incident)).get(runbook.id)
    rows = []
    for step in runbook.steps:
        done = progress.is_done(step.number) if progress is not None else False
        rows.append({"number": step.number, "text": step.text, "section": step.section,
                     "done": done})  # fmt: skip
    if args.json:
        ctx.print_json(rows)
        return 0
    for row in rows:
        mark = "[x]" if row["done"] else "[ ]"
        ctx.print(f"{mark} {row['number']:>2}. {row['text']}")
    return 0
