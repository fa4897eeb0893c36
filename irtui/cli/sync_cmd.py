"""`irtui publish` and `irtui sync`: the status-page outbox from the command line.

`publish` only writes locally (update event + outbox message, one transaction): it works with
the network down. `sync` delivers: `--once` drains what is due now and exits, plain `sync` keeps
delivering until Ctrl-C, `--status` shows the queue, `--retry ID` / `--cancel ID` are the human
answers to a message that failed.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from irtui.cli.context import CliContext, UsageError

PAGE_STATUSES = ("investigating", "identified", "monitoring", "resolved")
IMPACTS = ("none", "minor", "major", "critical")


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    from irtui.cli import helptext as h

    p = sub.add_parser(
        "publish",
        parents=parents,
        help="publish a customer-facing update to the status page (queued: "
        "works offline; `irtui sync` delivers)",
        description="Record a status-page update and queue it for delivery.",
        **h.examples(
            'irtui publish INC-1 "We are investigating failed checkouts." --dry-run',
            'irtui publish INC-1 "A fix is rolling out." --status identified',
            'irtui publish INC-1 "Checkout is working again." --status resolved',
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("text", help="what customers will read (sent as written)")
    p.add_argument(
        "--status",
        default=None,
        metavar="S",
        help=f"status-page status ({', '.join(PAGE_STATUSES)}; irtui's own "
        "statuses are mapped); default: from the incident",
    )
    p.add_argument(
        "--no-notify", action="store_true", help="do not email/SMS subscribers about this update"
    )
    p.add_argument(
        "--notify",
        action="store_true",
        help="notify subscribers (overrides `notify: false` in statuspage.yaml)",
    )
    p.add_argument(
        "--impact",
        choices=IMPACTS,
        default=None,
        help="impact shown on the page (default: from severity, statuspage.yaml)",
    )
    p.add_argument(
        "--next",
        default=None,
        metavar="10m|21:05|status-change",
        help="when the next update is promised to customers (default: the cadence)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print exactly what customers would see; record nothing",
    )
    p.add_argument("--json", action="store_true", help=h.JSON)
    p.set_defaults(handler=cmd_publish)

    p = sub.add_parser(
        "sync",
        parents=parents,
        help="deliver queued status-page updates (--once, --status, --retry)",
        description="Deliver queued status-page updates until interrupted.",
        **h.examples("irtui sync --once", "irtui sync --status --all", "irtui sync --retry 12"),
    )
    p.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    p.add_argument("--status", action="store_true", help="show the outbox and exit")
    p.add_argument(
        "--retry",
        type=int,
        metavar="ID",
        default=None,
        help="re-queue a failed message after fixing its cause",
    )
    p.add_argument(
        "--cancel",
        type=int,
        metavar="ID",
        default=None,
        help="drop an unsent message (later ones are no longer held back)",
    )
    p.add_argument(
        "--unlink",
        metavar="INC",
        default=None,
        help="forget an incident's status-page incident (it was deleted there); "
        "its next message creates a new one",
    )
    p.add_argument("--all", action="store_true", help="with --status: include sent messages")
    p.add_argument(
        "--pages",
        action="store_true",
        help="deliver PagerDuty pages only (no status page needed)",
    )
    p.add_argument("--json", action="store_true", help=h.JSON)
    p.set_defaults(handler=cmd_sync)


def _config() -> Any:
    from irtui.sync.config import SyncConfigError, load_config

    try:
        return load_config()
    except SyncConfigError as exc:
        raise UsageError(str(exc)) from None


def cmd_publish(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.sync.publish import plan, publish

    if args.notify and args.no_notify:
        raise UsageError("--notify and --no-notify contradict each other")
    cfg = _config()
    notify = False if args.no_notify else (True if args.notify else None)
    store = ctx.store()
    try:
        from irtui.sync.messages import page_status

        page_status(args.status, store.get(args.id))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    _, payload, shown = plan(
        store, args.id, args.text, cfg, status=args.status, notify=notify, impact=args.impact
    )
    if args.dry_run:
        if args.json:
            ctx.print_json({"payload": payload, "creates": shown.creates})
        else:
            ctx.print("\n".join(shown.lines()))
        return 0
    from irtui.cli.core_cmds import next_update_arg

    done = publish(
        store,
        args.id,
        args.text,
        cfg,
        status=args.status,
        notify=notify,
        impact=args.impact,
        next_update=next_update_arg(ctx, args.next),
    )
    if args.json:
        ctx.print_json(
            {
                "message_id": done.message_id,
                "event_id": done.event.id,
                "state": "drill" if done.drill else "pending",
                "payload": done.payload,
            }
        )
    elif done.drill:
        ctx.print(
            f"DRILL: status-page update #{done.message_id} for {done.event.incident_id} "
            "recorded in the drill sink; nothing is sent (`irtui drill report` shows it)"
        )
    else:
        ctx.print(
            f"queued status-page update #{done.message_id} for {done.event.incident_id} "
            f"({done.payload['status']}); `irtui sync` delivers it"
        )
        incident = store.get(args.id)
        if done.payload["status"] == "resolved" and incident.is_open:
            ctx.print(
                f"note: {incident.id} itself is still {incident.status} in irtui "
                f"(`irtui status {incident.id} resolved`)"
            )
    return 0


def cmd_sync(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.store.outbox_repo import OutboxRepo

    store = ctx.store()
    repo = OutboxRepo(store.db)
    if args.unlink is not None:
        from irtui.store.repo import incident_id

        iid = store.get(incident_id(args.unlink)).id
        if not repo.unlink(iid):
            raise UsageError(f"{iid} is not linked to a status-page incident")
        ctx.print(f"{iid} unlinked from its status-page incident")
        return 0
    if args.retry is not None or args.cancel is not None:
        try:
            if args.retry is not None:
                msg = repo.retry(args.retry, store.now())
                ctx.print(f"message #{msg.id} re-queued ({msg.incident_id})")
            if args.cancel is not None:
                msg = repo.cancel(args.cancel, store.now())
                ctx.print(f"message #{msg.id} cancelled ({msg.incident_id})")
        except LookupError as exc:
            raise UsageError(str(exc.args[0])) from None
        return 0
    if args.status:
        return _show_status(args, ctx, repo)

    from irtui.sync.background import OutboxWorker
    from irtui.sync.pagerduty_worker import PagingWorker

    pager = PagingWorker(store)  # pages need no configuration: keys are looked up per page
    workers: list[Any] = [pager]
    if not args.pages:
        worker = OutboxWorker(store, config=_config())
        if worker.enabled:
            workers.append(worker)
        elif not _pages_waiting(repo):
            raise UsageError(f"cannot sync: {worker.problem}")
        else:
            ctx.err.write(f"irtui: status page: {worker.problem}; delivering pages only\n")
    try:
        repo.wake(store.now())  # someone asked to sync now: the network may be back
        pager.wake()
        if args.once:
            for w in workers:
                _print_reports(ctx, w.deliver_due(), json_out=args.json)
            left = repo.summary()
            return 0 if left["failed"] == 0 and left["retrying"] == 0 else 1
        while True:  # until Ctrl-C (main maps KeyboardInterrupt to exit 130)
            for w in workers:
                _print_reports(ctx, w.deliver_due(), json_out=args.json)
            ctx.flush()  # said as it happens, into a pipe too (`irtui sync | tee sync.log`)
            time.sleep(min(w.poll_s for w in workers))
    finally:
        for w in workers:
            w.close()


def _pages_waiting(repo: Any) -> bool:
    return any(
        m.provider == "pagerduty" for m in repo.messages(states=("pending", "retrying", "failed"))
    )


def _print_reports(ctx: CliContext, reports: list[Any], *, json_out: bool) -> None:
    from irtui.domain.timeutil import iso

    for r in reports:
        if json_out:
            ctx.print_json(
                {
                    "id": r.message_id,
                    "incident_id": r.incident_id,
                    "state": r.state,
                    "remote_id": r.remote_id,
                    "error": r.error,
                    "next_attempt_at": iso(r.next_attempt_at),
                }
            )
            continue
        line = f"#{r.message_id} {r.incident_id}: {r.state}"
        if r.remote_id:
            line += f" (remote {r.remote_id})"
        if r.next_attempt_at is not None and r.state == "retrying":
            line += f", next try {iso(r.next_attempt_at)}"
        if r.error:
            line += f" — {r.error}"
        ctx.print(line)


def _show_status(args: argparse.Namespace, ctx: CliContext, repo: Any) -> int:
    from irtui.domain.timeutil import iso

    summary = repo.summary()
    states = None if args.all else ("pending", "sending", "retrying", "failed")
    msgs = repo.messages(states=states)
    if args.json:
        ctx.print_json({"summary": summary, "messages": [m.to_dict() for m in msgs]})
        return 0
    ctx.print("outbox: " + (", ".join(f"{k} {v}" for k, v in summary.items() if v) or "empty"))
    for m in msgs:
        what = (
            f"page #{m.payload.get('page')} {m.op}"
            if m.provider == "pagerduty"
            else f"{m.op} {m.payload.get('status')}"
        )
        line = f"#{m.id} {m.incident_id} {what}: {m.state}"
        if m.remote_id:
            line += f" (remote {m.remote_id})"
        if m.state in ("retrying", "sending") and m.next_attempt_at is not None:
            line += f", next try {iso(m.next_attempt_at)}"
        if m.last_error:
            line += f" — {m.last_error}"
        ctx.print(line)
    if summary["failed"]:
        ctx.print(
            "failed messages need a human: fix the cause, then `irtui sync --retry ID` "
            "(or `--cancel ID`)"
        )
    return 0
