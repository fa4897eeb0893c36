"""After-the-incident commands: postmortem, actions/action, tag, cause, reviews, recurring,
import. Handlers import their modules lazily so `irtui log` never pays for them."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from irtui.cli.context import CliContext, UsageError
from irtui.cli.core_cmds import one_line, parse_date


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    from irtui.cli import helptext as h

    def add(
        container: Any, name: str, handler: Any, help_: str, example: tuple[str, ...]
    ) -> argparse.ArgumentParser:
        p = container.add_parser(
            name, parents=parents, help=help_, description=help_, **h.examples(*example)
        )
        p.set_defaults(handler=handler)
        return p

    p = add(
        sub,
        "postmortem",
        cmd_postmortem,
        "the postmortem draft (Markdown); save sections, complete the review",
        (
            "irtui postmortem INC-1 --out INC-1-postmortem.md",
            "irtui postmortem INC-1 --from INC-1-postmortem.md      # save what you wrote",
            'irtui postmortem INC-1 --set summary --text "Checkout failed for 40 min"',
            "irtui postmortem INC-1 --check && irtui postmortem INC-1 --complete",
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("--out", metavar="FILE", help="write the draft to FILE instead of stdout")
    p.add_argument(
        "--from",
        dest="from_file",
        metavar="FILE",
        help="save the human sections of an edited draft FILE",
    )
    p.add_argument(
        "--set",
        dest="section",
        metavar="SECTION",
        help="save one section (summary, impact, root_cause, contributing_factors, "
        "five_whys, went_well, could_improve, lessons, authors)",
    )
    p.add_argument("--text", default=None, help="text for --set (default: read stdin)")
    p.add_argument("--complete", action="store_true", help="mark the review completed")
    p.add_argument("--force", action="store_true", help="complete even with TODO sections")
    p.add_argument("--reopen", metavar="REASON", help="reopen a completed review")
    p.add_argument(
        "--check",
        action="store_true",
        help="only the blameless check; exit 1 if anything is flagged",
    )
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = add(
        sub,
        "actions",
        cmd_actions,
        "action items across incidents",
        ("irtui actions --open", "irtui actions --overdue --json", "irtui actions --incident 7"),
    )
    p.add_argument("--open", action="store_true", help="only open items")
    p.add_argument("--overdue", action="store_true", help="only open items past their due day")
    p.add_argument("--incident", metavar="ID", help="only this incident's items")
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = sub.add_parser(
        "action",
        parents=parents,
        help="add or close an action item",
        description="add or close an action item",
        **h.examples(
            'irtui action add INC-1 "Alert on pool saturation" --type detect --owner erin',
            "irtui action done 3",
            "irtui action add|done|wontdo|reopen --help",
        ),
    )
    act = p.add_subparsers(dest="action_command", metavar="add|done|wontdo|reopen", required=True)
    a = add(
        act,
        "add",
        cmd_action_add,
        "add an action item to an incident",
        (
            'irtui action add INC-1 "Alert on pool saturation" --type detect --owner erin',
            'irtui action add 1 "Load-test the pool limit" --type prevent --due +5bd --priority P1',
        ),
    )
    a.add_argument("id", help=h.ID)
    a.add_argument("title", help="what will be done")
    a.add_argument(
        "--type",
        required=True,
        choices=("prevent", "detect", "mitigate", "document"),
        help="what it does for next time",
    )
    a.add_argument("--owner", default=None, help="who owns it")
    a.add_argument(
        "--due",
        default=None,
        metavar="DATE",
        help="YYYY-MM-DD, +Nd (calendar days) or +Nbd (business days)",
    )
    a.add_argument("--priority", default="P2", metavar="P1..P3", help="P1..P3 (default P2)")
    a.add_argument("--json", action="store_true", help=h.JSON)
    action_id = "the action item's number (irtui actions lists them)"
    a = add(act, "done", cmd_action_done, "mark an action item done", ("irtui action done 3",))
    a.add_argument("action_id", type=int, help=action_id)
    a = add(
        act,
        "wontdo",
        cmd_action_wontdo,
        "close an action item as won't do",
        ('irtui action wontdo 3 --reason "replaced by the new pooler"',),
    )
    a.add_argument("action_id", type=int, help=action_id)
    a.add_argument("--reason", required=True, help="why not (kept with it)")
    a = add(
        act,
        "reopen",
        cmd_action_reopen,
        "reopen a closed action item",
        ("irtui action reopen 3",),
    )
    a.add_argument("action_id", type=int, help=action_id)

    p = add(
        sub,
        "tag",
        cmd_tag,
        "tag an incident (learning log)",
        ("irtui tag INC-1 deploy database", "irtui tag INC-1 database --remove"),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("tags", nargs="+", metavar="TAG", help="a tag (several at once)")
    p.add_argument("--remove", action="store_true", help="remove these tags instead")

    p = add(
        sub,
        "cause",
        cmd_cause,
        "add a root-cause category to an incident",
        ('irtui cause INC-1 change --text "deploy #4821 shrank the pool"',),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument(
        "category",
        help="change, config, capacity, dependency, software, "
        "infrastructure, network, data, security, process, "
        "monitoring, unknown (or your own)",
    )
    p.add_argument("--text", default="", help="one line on the cause")
    p.add_argument("--remove", action="store_true", help="remove this category instead")

    p = add(
        sub,
        "reviews",
        cmd_reviews,
        "postmortems owed (5 business days after resolution)",
        ("irtui reviews --overdue", "irtui reviews --pending --json"),
    )
    p.add_argument("--overdue", action="store_true", help="only reviews past their due day")
    p.add_argument("--pending", action="store_true", help="hide completed reviews")
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = add(
        sub,
        "recurring",
        cmd_recurring,
        "services, tags and root causes that recur within a quarter",
        ("irtui recurring", "irtui recurring --since 2026-07-01 --json"),
    )
    p.add_argument("--since", default=None, metavar="DATE", help="from (YYYY-MM-DD)")
    p.add_argument("--until", default=None, metavar="DATE", help="until (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = sub.add_parser(
        "import",
        parents=parents,
        help="import incident history (backfilled)",
        description="import incident history as backfilled incidents",
        **h.examples(
            "irtui import statuspage incidents.json --dry-run",
            "irtui import github-statuses parsed/incidents.jsonl",
            "irtui import postmortem postmortems/ --dry-run",
        ),
    )
    imp = p.add_subparsers(
        dest="import_source", metavar="statuspage|github-statuses|postmortem", required=True
    )
    for name, help_, path_help, example in (
        (
            "statuspage",
            "Statuspage public v2 JSON: files or directories",
            "an incidents.json (https://<page>/api/v2/incidents.json) or a folder of them",
            "incidents.json",
        ),
        (
            "github-statuses",
            "the github-statuses incidents.jsonl (or its directory)",
            "incidents.jsonl (one incident a line) or the folder holding it",
            "parsed/incidents.jsonl",
        ),
        (
            "postmortem",
            "Markdown postmortems: files or directories (one incident each)",
            "a Markdown postmortem or a folder of them",
            "postmortems/",
        ),
    ):
        a = add(
            imp,
            name,
            cmd_import,
            help_,
            (f"irtui import {name} {example} --dry-run", f"irtui import {name} {example} --json"),
        )
        a.add_argument("paths", nargs="+", metavar="PATH", help=path_help)
        a.add_argument(
            "--dry-run",
            action="store_true",
            help="show what would be created and every line that could not be placed",
        )
        a.add_argument(
            "--config",
            metavar="FILE",
            default=None,
            help="import config YAML: components to ignore or map to services "
            "(default: import.yaml in the user config dir, if any)",
        )
        a.add_argument("--json", action="store_true", help=h.JSON)


# --- helpers --------------------------------------------------------------------------------


def parse_due(text: str | None, today: date) -> date | None:
    """`2026-12-01`, `+7d` (calendar days) or `+5bd` (business days) from `today`."""
    from irtui.domain.model import DomainError
    from irtui.review.actions import parse_due_date

    try:
        return parse_due_date(text, today)
    except DomainError as exc:
        raise UsageError(str(exc)) from None


# --- postmortem --------------------------------------------------------------------------


def cmd_postmortem(args: argparse.Namespace, ctx: CliContext) -> int:
    import sys

    from irtui.review import workflow

    store = ctx.store()
    iid = store.get(args.id).id
    if args.section:
        text = args.text if args.text is not None else sys.stdin.read()
        workflow.save_section(store, iid, args.section.strip().lower().replace("-", "_"), text)
        ctx.print(f"{iid}: saved section {args.section}")
    if args.from_file:
        from irtui.boundary.files import read_text_file
        from irtui.review.readback import read_back

        markdown = read_text_file(args.from_file)  # a FIFO, a huge or non-UTF-8 file: refused
        back = read_back(store, iid, markdown)
        changed = back.changed
        ctx.print(f"{iid}: saved {', '.join(changed) if changed else 'nothing (no changes)'}")
        if back.actions_added:
            ids = ", ".join(f"#{n}" for n in back.actions_added)
            ctx.print(f"{iid}: action item(s) added from the file: {ids}")
        for line, why in back.unplaced:
            ctx.print(f"not read: {args.from_file}:{line}: {why}")
        if back.unplaced:
            ctx.print(f"{iid}: {len(back.unplaced)} line(s) of {args.from_file} were not read")
    if args.reopen:
        workflow.reopen_review(store, iid, args.reopen)
        ctx.print(f"{iid}: review reopened")
    if args.complete:
        draft = workflow.complete_review(store, iid, force=args.force)
        ctx.print(f"{iid}: review {draft.review_state}")
        if draft.findings:
            ctx.print(f"note: the blameless check flagged {len(draft.findings)} phrase(s)")
    if args.section or args.from_file or args.reopen or args.complete:
        return 0
    draft = workflow.build_draft(store, iid)
    if args.check:
        if args.json:
            ctx.print_json([f.to_dict() for f in draft.findings])
        else:
            for f in draft.findings:
                ctx.print(
                    f'{one_line(f.section)}:{f.line}: "{one_line(f.text)}" '
                    f"[{f.rule}] {f.suggestion}"
                )
            if not draft.findings:
                ctx.print("No blaming phrasing found.")
        return 1 if draft.findings else 0
    if args.json:
        from irtui.domain.timeutil import iso

        ctx.print_json(
            {
                "incident_id": iid,
                "markdown": draft.markdown,
                "todo": draft.todo,
                "review_due": iso(draft.review_due),
                "review": draft.review_state,
                "findings": [f.to_dict() for f in draft.findings],
            }
        )
        return 0
    if args.out:
        try:
            from irtui.paths import write_private

            write_private(args.out, draft.markdown + "\n")  # 0600: incident data
        except OSError as exc:
            raise UsageError(f"cannot write {args.out}: {exc.strerror or exc}") from None
        ctx.print(
            f"{iid}: draft written to {args.out} ({len(draft.todo)} section(s) to write, "
            f"{len(draft.findings)} blameless finding(s)); save your edits with "
            f"irtui postmortem {iid} --from {args.out}"
        )
        return 0
    ctx.out.write(draft.markdown + "\n")
    return 0


# --- action items ----------------------------------------------------------------------------


def _repo(ctx: CliContext) -> Any:
    from irtui.store.actions_repo import ActionsRepo

    return ActionsRepo(ctx.store().db)


def _print_action(ctx: CliContext, item: Any, now: Any) -> None:
    due = item.due.isoformat() if item.due else "—"
    flag = " OVERDUE" if item.is_overdue(now) else ""
    reason = f" ({one_line(item.reason)})" if item.reason else ""
    ctx.print(
        f"#{item.id:<5}{item.incident_id:<9}{item.priority:<4}{item.type:<10}"
        f"{item.status + reason + flag:<20} due {due:<11} "
        f"{one_line(item.owner or '—')[:14]:<15}{one_line(item.title)}"
    )


def cmd_actions(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store()
    now = store.now()
    iid = store.get(args.incident).id if args.incident else None
    items = _repo(ctx).list(
        incident_id=iid, open_only=args.open, overdue_at=now if args.overdue else None
    )
    if args.json:
        ctx.print_json([i.to_dict(now) for i in items])
        return 0
    if not items:
        ctx.print(
            "No action items." if not (args.open or args.overdue) else "No matching action items."
        )
        return 0
    for item in items:
        _print_action(ctx, item, now)
    return 0


def cmd_action_add(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store()
    now = store.now()
    iid = store.get(args.id).id
    item = _repo(ctx).add(
        iid,
        args.title,
        type=args.type,
        now=now,
        owner=args.owner,
        due=parse_due(args.due, now.date()),
        priority=args.priority,
    )
    if args.json:
        ctx.print_json(item.to_dict(now))
    else:
        ctx.print(f"action #{item.id} added to {iid}")
    return 0


def cmd_action_done(args: argparse.Namespace, ctx: CliContext) -> int:
    item = _repo(ctx).done(args.action_id, ctx.store().now())
    on_time = item.done_on_time()
    note = "" if on_time is None else (" (on time)" if on_time else " (after its due date)")
    ctx.print(f"action #{item.id} done{note}")
    return 0


def cmd_action_wontdo(args: argparse.Namespace, ctx: CliContext) -> int:
    item = _repo(ctx).wontdo(args.action_id, args.reason, ctx.store().now())
    ctx.print(f"action #{item.id} closed as won't do: {one_line(item.reason or '')}")
    return 0


def cmd_action_reopen(args: argparse.Namespace, ctx: CliContext) -> int:
    item = _repo(ctx).reopen(args.action_id, ctx.store().now())
    ctx.print(f"action #{item.id} reopened")
    return 0


# --- learning log ----------------------------------------------------------------------------


def cmd_tag(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.review import workflow

    store = ctx.store()
    iid = store.get(args.id).id
    tags = workflow.tag(store, iid, args.tags, remove=args.remove)
    ctx.print(f"{iid} tags: {', '.join(tags) or '(none)'}")
    return 0


def cmd_cause(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.review import workflow
    from irtui.review.events import CAUSE_CATEGORIES, normalise_tag

    store = ctx.store()
    iid = store.get(args.id).id
    causes = workflow.set_cause(store, iid, args.category, args.text, remove=args.remove)
    ctx.print(f"{iid} root-cause categories: {', '.join(causes) or '(none)'}")
    if not args.remove and normalise_tag(args.category) not in CAUSE_CATEGORIES:
        ctx.err.write(
            f"note: {normalise_tag(args.category)!r} is a custom category "
            f"(suggested: {', '.join(CAUSE_CATEGORIES)})\n"
        )
    return 0


def cmd_reviews(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.review import workflow

    store = ctx.store()
    rows = workflow.reviews(
        store, store.now(), overdue_only=args.overdue, include_done=not args.pending
    )
    if args.json:
        ctx.print_json([r.to_dict() for r in rows])
        return 0
    if not rows:
        ctx.print("No overdue reviews." if args.overdue else "No reviews owed.")
        return 0
    for r in rows:
        ctx.print(
            f"{r.incident.id:<9}SEV{r.incident.severity:<3}{r.state}  {one_line(r.incident.title)}"
        )
    return 0


def cmd_recurring(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.review.events import learning_facts
    from irtui.review.recurrence import recurrences

    store = ctx.store()
    since, until = parse_date(ctx, args.since), parse_date(ctx, args.until)
    found = recurrences(store.incidents_between(since, until), learning_facts(store.db))
    if args.json:
        ctx.print_json([r.to_dict() for r in found])
        return 0
    if not found:
        ctx.print("Nothing recurred.")
    for r in found:
        ctx.print(one_line(r.message))
    return 0


# --- import ----------------------------------------------------------------------------------


def _read_sources(args: argparse.Namespace, ctx: CliContext) -> Any:
    from irtui.importers import github_statuses, postmortems, statuspage
    from irtui.importers.backfill import ReadResult
    from irtui.importers.config import load_config

    config = load_config(args.config)
    if args.import_source == "postmortem":
        return postmortems.read(args.paths, config=config)
    reader = statuspage if args.import_source == "statuspage" else github_statuses
    result = ReadResult()
    for path in args.paths:
        result.extend(reader.read(path, config))
    return result


def _plan_line(bf: Any) -> str:
    from irtui.domain.quality import SHORT
    from irtui.domain.timeutil import fmt_duration, iso

    m = bf.milestones()
    ttr = (m["resolved"] - m["started"]).total_seconds() if m["resolved"] else None
    ttd = (m["detected"] - m["started"]).total_seconds() if m["detected"] else None
    parts = [
        f"{bf.source_ref}: {one_line(bf.title)[:80]}",
        f"  started {iso(m['started'])[:16]}Z  detected {(iso(m['detected']) or '—')[:16]}Z  "
        f"resolved {(iso(m['resolved']) or '—')[:16]}Z  TTD {fmt_duration(ttd)}  "
        f"TTR {fmt_duration(ttr)}",
    ]
    counts = [f"{len(bf.updates)} post(s)"] if bf.updates else []
    if bf.entries:
        untimed = sum(1 for e in bf.entries if e.untimed is not None)
        counts.append(f"{len(bf.entries)} timeline entries ({untimed} without a time)")
    if bf.sections:
        counts.append("sections: " + ", ".join(bf.sections))
    if bf.actions:
        done = sum(1 for a in bf.actions if a.done)
        counts.append(f"{len(bf.actions)} action item(s) ({done} done)")
    if bf.services:
        counts.append("services: " + one_line(", ".join(bf.services))[:80])
    if counts:
        parts.append("  " + "; ".join(counts))
    if bf.quality:
        parts.append("  data quality: " + ", ".join(SHORT.get(f, f) for f in bf.quality))
    return "\n".join(parts)


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    """Import history. Records that cannot be imported are named with file and record (or
    line) and make the exit code 2; every other record still comes in (re-running after a
    fix imports only what is missing: imports are idempotent)."""
    from irtui.importers import backfill

    read = _read_sources(args, ctx)
    store = ctx.store()
    refused = list(read.refused)
    if args.dry_run:
        result = backfill.ImportResult()
        for bf in read.incidents:
            try:
                backfill.validate(bf, store.policy, store.now(), store.author)
            except (ValueError, OverflowError) as exc:
                result.failed.append((bf.source_ref, str(exc)))
            for flag in bf.quality:
                result.flagged[flag] = result.flagged.get(flag, 0) + 1
            result.notices.extend(f"{bf.source_ref}: {n}" for n in bf.notices)
    else:
        result = backfill.import_incidents(store, read.incidents)
    bad = bool(refused or result.failed)
    if args.json:
        data = result.to_dict()
        data["dry_run"] = bool(args.dry_run)
        data["read"] = len(read.incidents)
        data["refused"] = [{"where": w, "error": e} for w, e in refused]
        data["unplaced"] = [{"where": w, "line": t} for w, t in read.unplaced]
        data["notes"] = [{"where": w, "note": t} for w, t in read.notes]
        if args.dry_run:
            from irtui.domain.timeutil import iso

            data["would_create"] = [
                {
                    "source_ref": bf.source_ref,
                    "title": bf.title,
                    "milestones": {k: iso(v) for k, v in bf.milestones().items()},
                    "posts": len(bf.updates),
                    "entries": len(bf.entries),
                    "sections": list(bf.sections),
                    "action_items": len(bf.actions),
                    "quality": bf.quality,
                }
                for bf in read.incidents
            ]
        ctx.print_json(data)
        return 2 if bad else 0
    if args.dry_run:
        for bf in read.incidents:
            ctx.print(_plan_line(bf))
        ctx.print(
            f"dry run: {len(read.incidents)} incident(s) read, {len(result.failed)} would "
            f"fail, {len(refused)} record(s) refused; nothing written"
        )
    else:
        updated = f", updated {len(result.updated)}" if result.updated else ""
        ctx.print(
            f"imported {len(result.imported)}, already present {len(result.skipped)}, "
            f"failed {len(result.failed) + len(refused)}{updated}"
        )
        for ref, iid, n in result.updated:
            ctx.print(f"{iid} ({ref}): {n} new upstream post(s) added")
    if result.flagged:
        from irtui.domain.quality import SHORT

        flags = ", ".join(f"{SHORT.get(k, k)} {v}" for k, v in sorted(result.flagged.items()))
        ctx.print(f"data quality flags: {flags} (see `irtui report`)")
    for ref, iid, what in result.differences:
        ctx.print(f"{iid} ({ref}) differs upstream: {what}")
    for where, what in read.notes:
        ctx.print(f"note: {where}: {what}")
    for where, what in read.unplaced:
        ctx.print(f"not placed: {where}: {what}")
    for notice in result.notices:
        ctx.err.write(f"irtui: cleaned: {notice}\n")
    for where, why in refused:
        ctx.err.write(f"irtui: {where}: {why}\n")
    for ref, why in result.failed:
        ctx.err.write(f"irtui: {ref}: {why}\n")
    return 2 if bad else 0
