"""`irtui task add|done|reopen|set|list`: the war room's tasks from a terminal, the same tasks
the entry line makes (`TODO: ...`, `Bob: ..., back in 3 min`) and the tasks panel shows.

Every change is an event on the incident (`irtui/domain/tasks.py` folds them): a task marked
done by mistake is reopened, never deleted; an owner or due time set later is recorded with
who set it. Only sqlite3 and the domain are imported.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from irtui.cli.context import CliContext, UsageError


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

    p = sub.add_parser(
        "task",
        parents=parents,
        help="the incident's tasks: add, done, reopen, set owner/due, list",
        description="the incident's tasks: add, done, reopen, set owner/due, list",
        **h.examples(
            'irtui task add INC-1 "check replica lag" --owner bob --due 10m',
            "irtui task done INC-1 42",
            "irtui task list INC-1",
            "irtui task add|done|reopen|set|list --help",
        ),
    )
    tasks = p.add_subparsers(dest="task_command", metavar="add|done|reopen|set|list", required=True)

    a = add(
        tasks,
        "add",
        cmd_task_add,
        "add a task to the timeline; prints its id once it is on disk",
        (
            'irtui task add INC-1 "check replica lag on payments-db" --owner bob --due 3m',
            'irtui task add 1 "call the CDN vendor" --due 14:30',
            'irtui task add 1 "write the customer note"',
        ),
    )
    a.add_argument("id", help=h.ID)
    a.add_argument("text", help="what is to be done (kept literally)")
    a.add_argument("--owner", default=None, metavar="NAME", help="who does it")
    a.add_argument(
        "--due",
        default=None,
        metavar="10m|14:30|ISO",
        help="when it is due: a timer (10m, 1h30m) or a time (14:30, the next one)",
    )
    a.add_argument("--json", action="store_true", help=h.JSON)

    for name, handler, help_, verb in (
        ("done", cmd_task_done, "mark a task done", "done"),
        ("reopen", cmd_task_reopen, "reopen a task marked done by mistake", "reopened"),
    ):
        d = add(tasks, name, handler, help_, (f"irtui task {name} INC-1 42",))
        d.add_argument("id", help=h.ID)
        d.add_argument("task", type=_task_id, help="the task's id (irtui task list shows it)")
        d.set_defaults(verb=verb)

    s = add(
        tasks,
        "set",
        cmd_task_set,
        "give an open task an owner and/or a due time (or take them away)",
        (
            "irtui task set INC-1 42 --owner bob",
            "irtui task set INC-1 42 --due 14:30",
            "irtui task set INC-1 42 --no-owner --no-due",
        ),
    )
    s.add_argument("id", help=h.ID)
    s.add_argument("task", type=_task_id, help="the task's id (irtui task list shows it)")
    owner = s.add_mutually_exclusive_group()
    owner.add_argument("--owner", default=None, metavar="NAME", help="who does it now")
    owner.add_argument("--no-owner", action="store_true", help="nobody in particular")
    due = s.add_mutually_exclusive_group()
    due.add_argument("--due", default=None, metavar="10m|14:30|ISO", help="when it is due now")
    due.add_argument("--no-due", action="store_true", help="no due time (no timer)")

    ls = add(
        tasks,
        "list",
        cmd_task_list,
        "the incident's open tasks, soonest due first (--all: done ones too)",
        ("irtui task list INC-1", "irtui task list 1 --all --json"),
    )
    ls.add_argument("id", help=h.ID)
    ls.add_argument("--all", action="store_true", help="include done and retracted tasks")
    ls.add_argument("--json", action="store_true", help=h.JSON)


def _task_id(text: str) -> int:
    raw = text.strip().lstrip("#")
    if not raw.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a task id (a number: irtui task list)")
    return int(raw)


def _due(ctx: CliContext, text: str | None, now: datetime) -> datetime | None:
    if text is None:
        return None
    from irtui.domain.timeparse import parse_due

    return parse_due(text, now)


def cmd_task_add(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.boundary.text_in import one_line
    from irtui.domain.timeutil import iso

    store = ctx.store()
    now = store.now()
    due = _due(ctx, args.due, now)
    text = one_line(args.text, "task")
    if not text:
        raise UsageError("a task needs text")
    owner = one_line(args.owner or "", "owner", field="name") or None
    task = {
        "text": text,
        "owner": owner,
        "due": iso(due),
        "timer_s": None if due is None else max(int((due - now).total_seconds()), 1),
    }
    said = f"{owner}: {text}" if owner else f"TODO: {text}"
    event = store.log(args.id, said, kind="action", task=task)
    if args.json:
        ctx.print_json(event.to_dict())
    else:
        ctx.print(str(event.id))
    return 0


def cmd_task_done(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store()
    if args.verb == "done":
        event = store.task_done(args.id, args.task)
    else:
        event = store.task_reopen(args.id, args.task)
    ctx.print(f"{event.incident_id}: task {args.task} {args.verb}: {event.payload.get('text', '')}")
    return 0


cmd_task_reopen = cmd_task_done


def cmd_task_set(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store()
    changes: dict[str, Any] = {}
    if args.owner is not None or args.no_owner:
        changes["owner"] = None if args.no_owner else args.owner
    if args.due is not None or args.no_due:
        changes["due"] = None if args.no_due else _due(ctx, args.due, store.now())
    if not changes:
        raise UsageError("nothing to change: give --owner/--no-owner and/or --due/--no-due")
    event = store.task_update(args.id, args.task, **changes)
    from irtui.domain.tasks import describe_update

    ctx.print(f"{event.incident_id}: {describe_update(event.payload)}")
    return 0


def cmd_task_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.timeutil import fmt_duration, fmt_local_utc

    store = ctx.store()
    now = store.now()
    tasks = store.tasks(args.id)
    shown = tasks if args.all else [t for t in tasks if t.is_open]
    shown.sort(key=lambda t: (not t.is_open, t.due is None, t.due or t.created, t.entry_id))
    if args.json:
        ctx.print_json([t.to_dict() for t in shown])
        return 0
    if not shown:
        ctx.print("No open tasks." if not args.all else "No tasks.")
        return 0
    for task in shown:
        state = "done" if task.done else ("retracted" if task.retracted else "open")
        if task.due is None:
            due = "no due time"
        else:
            left = task.due - now
            late = left.total_seconds() <= 0
            due = f"due {fmt_local_utc(task.due)} ({fmt_duration(-left if late else left)}"
            due += " overdue)" if late else " left)"
        owner = task.owner or "nobody"
        ctx.print(f"{task.entry_id:>6}  {state:<9} {owner:<14} {due:<40} {task.text}")
    return 0
