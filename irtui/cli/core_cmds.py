"""The core commands: declare, ack, sev, status, role, log, update, list, show, report, export
(plus amend, retract, snooze, milestone, mitigated, reopen, and the hand-off protocol:
handoff, accept, confirm, withdraw).

This contract is stable; other tools script against it. Every handler does the minimum of
imports: `irtui log` pays for sqlite3 and the domain, nothing else.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from irtui.cli.context import CliContext, UsageError

ENTRY_KINDS = (
    "detection",
    "action",
    "decision",
    "communication",
    "escalation",
    "resolution",
    "note",
)
AUDIENCES = ("internal", "statuspage", "exec")
STATUSES = ("investigating", "identified", "mitigating", "monitoring", "resolved", "closed")


def _sev(text: str) -> int:
    raw = text.strip().upper().removeprefix("SEV")
    if not raw.isdigit():
        raise argparse.ArgumentTypeError(f"severity must be 1..4 or SEV1..SEV4, not {text!r}")
    return int(raw)


def _when(ctx: CliContext, text: str | None, ref: str | None = None) -> datetime | None:
    """`--at` read against the incident's own clock when `ref` names one: in a drill, `-5m`
    is five minutes ago in the drill's time, as the TUI reads it."""
    if text is None:
        return None
    from irtui.domain.timeparse import parse_when

    store = ctx.store()
    now = store.now()
    if ref is not None:
        from irtui.domain.clocks import incident_now

        now = incident_now(store.get(ref), now)
    return parse_when(text, now)


NEXT_WITH_STATUS = ("status", "status-change", "status_change", "with-status-change")


def next_update_arg(ctx: CliContext, text: str | None) -> Any:
    """`--next 10m|21:05|ISO|status-change` -> what `record_update(next_update=...)` takes."""
    if text is None or text.strip().lower() in ("", "cadence"):
        return None
    from irtui.domain.model import STATUS_CHANGE
    from irtui.domain.timeparse import parse_due

    if text.strip().lower() in NEXT_WITH_STATUS:
        return STATUS_CHANGE
    return parse_due(text, ctx.store().now())


def _checked(text: str | None) -> set[str]:
    if not text:
        return set()
    return {part.strip() for part in text.split(",") if part.strip()}


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    from irtui.cli import helptext as h

    def add(
        name: str, handler: Any, help_: str, example: tuple[str, ...], **kw: Any
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name, parents=parents, help=help_, description=help_, **h.examples(*example), **kw
        )
        p.set_defaults(handler=handler)
        return p

    p = add(
        "declare",
        cmd_declare,
        "declare a new incident; prints its id (INC-n)",
        (
            'irtui declare "Checkout 500s" --sev 1 --service checkout --ic alice',
            'irtui declare "Replica lag" --sev 3 --service orders-db --started -20m',
            'irtui declare "Login errors" --sev 2 --started -25m --detected -5m',
            'irtui declare "Game day: DB failover" --sev 2 --drill --json',
        ),
    )
    p.add_argument("title", help="what is wrong, in a few words people will recognise")
    p.add_argument(
        "--sev",
        type=_sev,
        required=True,
        metavar="1..4",
        help="severity: 1 (critical) .. 4 (minor; no clocks); SEV1..SEV4 works too",
    )
    p.add_argument(
        "--service",
        action="append",
        default=[],
        metavar="S",
        help="an affected service (repeat for several)",
    )
    p.add_argument("--impact", default="", metavar="TEXT", help="who is affected and how")
    p.add_argument("--ic", default=None, metavar="NAME", help="incident commander")
    p.add_argument("--drill", action="store_true", help="a drill: never counts in metrics")
    p.add_argument(
        "--started",
        default=None,
        metavar="WHEN",
        help="when impact began (-20m, 14:02, ISO-8601); default: when it was detected",
    )
    p.add_argument(
        "--detected",
        default=None,
        metavar="WHEN",
        help="when it was noticed, e.g. the alert fired (-5m, 14:02, ISO-8601); default now",
    )
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = add(
        "ack",
        cmd_ack,
        "acknowledge an incident (stops its acknowledgement clock)",
        ("irtui ack INC-1", "irtui ack 1 --at -3m"),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("--at", default=None, metavar="WHEN", help=h.WHEN)

    p = add(
        "sev",
        cmd_sev,
        "change severity (every clock is recomputed)",
        ("irtui sev INC-1 2", 'irtui sev INC-1 SEV1 --reason "all regions affected"'),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("severity", type=_sev, metavar="1..4", help="the new severity (or SEV1..SEV4)")
    p.add_argument("--reason", default="", help="why it changed (on the timeline)")

    p = add(
        "status",
        cmd_status,
        f"change status ({', '.join(STATUSES)})",
        (
            "irtui status INC-1 identified",
            "irtui status INC-1 mitigating --at 14:20",
            'irtui status INC-1 resolved --checked all --note "error rate back to normal"',
            'irtui status INC-1 resolved --checked all --early-reason "flat for 10 min"',
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("status", choices=STATUSES, help="the new status: " + " → ".join(STATUSES))
    p.add_argument("--at", default=None, metavar="WHEN", help=h.WHEN)
    p.add_argument("--note", default="", help="a line for the timeline")
    p.add_argument(
        "--checked",
        default=None,
        metavar="all|ID,ID",
        help="resolving: the resolution checklist items you checked (all, or their ids)",
    )
    p.add_argument(
        "--early-reason",
        default="",
        metavar="TEXT",
        help="resolving before the policy's monitoring hold is over: why",
    )

    p = add(
        "mitigated",
        cmd_mitigated,
        "mark the impact mitigated (its own milestone: time to mitigate is measured to it)",
        ("irtui mitigated INC-1", 'irtui mitigated INC-1 --at -4m --note "traffic drained"'),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("--at", default=None, metavar="WHEN", help=h.WHEN)
    p.add_argument("--note", default="", help="what mitigated it (on the timeline)")

    p = add(
        "reopen",
        cmd_reopen,
        "reopen a closed incident for corrections (it becomes resolved again)",
        ('irtui reopen INC-1 --reason "impact ended at 14:20, not 14:50"',),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("--reason", required=True, help="why the final record must change (kept)")

    p = add(
        "role",
        cmd_role,
        "assign a role (ic, tech, comms, scribe, deputy, or custom); "
        "offers it as a hand-off if someone holds it",
        (
            "irtui role INC-1 tech bob",
            "irtui role INC-1 ic carol --as alice   # alice holds it: offered to carol",
            'irtui role INC-1 "customer liaison" dana',
            "irtui role INC-1 comander erin --custom   # a custom role, on purpose",
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument(
        "role",
        help="ic, tech, comms, scribe, deputy (or their long names), or a custom role; a "
        "near-miss of a standard one (comander) is refused unless --custom",
    )
    p.add_argument("name", help="who takes the role")
    add_custom_flag(p)

    p = add(
        "handoff",
        cmd_handoff,
        "offer a held role to someone with your brief (they accept, you confirm)",
        (
            'irtui handoff INC-1 ic dana --brief "rollback done; watching error rate"',
            "irtui handoff INC-1 scribe erin   # the generated brief",
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("role", help="the role to hand over (as for irtui role)")
    p.add_argument("to", help="who is offered the role")
    p.add_argument(
        "--brief",
        default="",
        help="what the incoming person needs to know (default: the generated brief)",
    )
    add_custom_flag(p)

    p = add(
        "accept",
        cmd_accept,
        "accept a hand-off offered to you, reading back the situation",
        (
            "irtui accept INC-1 ic --as dana",
            "irtui accept INC-1 ic --as dana --readback \"I'm taking IC. Current status is "
            'monitoring; failover done."',
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("role", help="the role whose hand-off you accept")
    p.add_argument(
        "--readback",
        default="",
        metavar="TEXT",
        help='what you read back (default: "I\'m taking IC. Current status is ...")',
    )
    add_custom_flag(p)

    p = add(
        "confirm",
        cmd_confirm,
        "confirm the read-back of a hand-off you offered: the role moves now",
        ("irtui confirm INC-1 ic --as alice",),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("role", help="the role being handed over")
    add_custom_flag(p)

    p = add(
        "withdraw",
        cmd_withdraw,
        "withdraw a hand-off offer (or decline one made to you)",
        ('irtui withdraw INC-1 ic --reason "dana is off shift"',),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("role", help="the role whose offer is called off")
    p.add_argument("--reason", default="", help="why (on the timeline)")
    add_custom_flag(p)

    p = add(
        "log",
        cmd_log,
        "add a timeline entry (the entry line's grammar); prints its id once it is on disk",
        (
            'irtui log INC-1 "rolled back v42" --kind action --star',
            'irtui log INC-1 "alert fired" --kind detection --at -5m',
            'irtui log INC-1 "Erin: verify the flag, back in 5 min"    # a task with a timer',
            'irtui log INC-1 "-5m * d: roll back #4821"                # backdated, starred',
            'irtui log 1 "TODO bob: check replica lag by 14:30" --json',
            'irtui log 1 "Bob: 14:02 was the deploy" --plain          # no grammar at all',
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument(
        "text",
        help="the entry, as said; read like the entry line: [-5m|14:02] [*] [d:|a:|n:|c:|e:|"
        "r:|det:] text, TODO: text, Name: text, back in 5 min (--plain: literally)",
    )
    p.add_argument(
        "--kind",
        choices=ENTRY_KINDS,
        default=None,
        help="what kind of entry (default note; a `d:`-style prefix in the text wins)",
    )
    p.add_argument(
        "--plain",
        action="store_true",
        help="keep the text exactly as given: no time, star, kind or task grammar",
    )
    p.add_argument(
        "--at",
        default=None,
        metavar="-5m|HH:MM|ISO-8601",
        help="backdate the entry (default now)",
    )
    p.add_argument("--star", action="store_true", help="a key fact: first in updates and reviews")
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = add(
        "amend",
        cmd_amend,
        "correct a timeline entry (the original stays in history)",
        ('irtui amend INC-1 42 "rolled back v42 to v41"',),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument(
        "entry", type=int, metavar="ENTRY_ID", help="the entry's id (irtui log printed it)"
    )
    p.add_argument("text", help="the corrected text")

    p = add(
        "retract",
        cmd_retract,
        "retract a timeline entry (shown struck through)",
        ('irtui retract INC-1 42 --reason "wrong incident"',),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("entry", type=int, metavar="ENTRY_ID", help="the entry's id")
    p.add_argument("--reason", required=True, help="why it is retracted (kept with it)")

    p = add(
        "update",
        cmd_update,
        "record a stakeholder update that reached its audience (sets its next-update clock)",
        (
            'irtui update INC-1 "Investigating elevated errors; next update 14:30" --next 14:30',
            'irtui update INC-1 "Checkout degraded; rollback under way" --audience exec',
            'irtui update INC-1 "We are investigating." --audience statuspage --posted-by-hand',
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("text", help="the update as sent")
    p.add_argument(
        "--audience",
        choices=AUDIENCES,
        default="internal",
        help="who it went to (default internal); to publish it, see irtui publish",
    )
    p.add_argument(
        "--next",
        default=None,
        metavar="10m|21:05|status-change",
        help="when the next update is promised (default: the audience's cadence)",
    )
    p.add_argument(
        "--posted-by-hand",
        action="store_true",
        help="status page: you posted it yourself (irtui publish sends it for you)",
    )
    p.add_argument("--at", default=None, metavar="WHEN", help="when it was sent (default now)")

    p = add(
        "snooze",
        cmd_snooze,
        "move a reminder (ack, or update:<audience>) with a reason",
        (
            'irtui snooze INC-1 update:exec +15m --reason "exec on a call until 15:00"',
            'irtui snooze INC-1 ack 14:30 --reason "waiting for the on-call"',
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument(
        "target", metavar="ack|update:AUDIENCE", help="which clock: ack or update:internal..."
    )
    p.add_argument("until", metavar="+15m|HH:MM|ISO-8601", help="when it is due again")
    p.add_argument("--reason", required=True, help="why (an event on the timeline)")

    p = add(
        "milestone",
        cmd_milestone,
        "correct a milestone (started, detected, ...)",
        ("irtui milestone INC-1 started 13:52", "irtui milestone INC-1 mitigated -10m"),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument(
        "name",
        choices=("started", "detected", "acknowledged", "mitigated", "resolved", "closed"),
        help="which milestone",
    )
    p.add_argument("at", metavar="WHEN", help="-5m, 14:02 or ISO-8601")
    p.add_argument("--reason", default="", help="why it moves (on the timeline)")

    p = add(
        "list",
        cmd_list,
        "list open incidents, soonest deadline first",
        ("irtui list", "irtui list --all --json"),
    )
    p.add_argument("--all", action="store_true", help="include resolved and closed")
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = add(
        "show",
        cmd_show,
        "show one incident with clocks and timeline",
        ("irtui show INC-1", "irtui show 1 --json"),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = add(
        "report",
        cmd_report,
        "metrics and SLA compliance over a period",
        (
            "irtui report --since 2026-10-01",
            "irtui report --since 2026-07-01 --until 2026-10-01 --format csv",
        ),
    )
    p.add_argument("--since", default=None, metavar="DATE", help="from (YYYY-MM-DD or ISO-8601)")
    p.add_argument("--until", default=None, metavar="DATE", help="until (YYYY-MM-DD or ISO-8601)")
    p.add_argument(
        "--format", choices=("md", "json", "csv"), default="md", help="output (default md)"
    )
    p.add_argument(
        "--include-flagged",
        action="store_true",
        help="count zero-length and impossible imported incidents in the response times",
    )

    p = add(
        "export",
        cmd_export,
        "export one incident with its full history",
        ("irtui export INC-1 > INC-1.md", "irtui export INC-1 --format json"),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument(
        "--format",
        choices=("md", "json"),
        default="md",
        help="md (a readable log) or json (every event)",
    )
    p.add_argument(
        "--with-script",
        action="store_true",
        help="a running drill's script and answer key too (the facilitator's; hidden otherwise)",
    )


def add_custom_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--custom",
        action="store_true",
        help="ROLE is a custom role on purpose, even if it looks like a typo of a standard one",
    )


# --- writes ------------------------------------------------------------------------------


def cmd_declare(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store()
    inc = store.declare(
        args.title,
        args.sev,
        services=args.service,
        impact=args.impact,
        commander=args.ic,
        drill=args.drill,
        started_at=_when(ctx, args.started),
        detected_at=_when(ctx, args.detected),
    )
    if args.json:
        ctx.print_json(_incident_json(ctx, inc, timeline=False))
    else:
        ctx.print(inc.id)
    from irtui.cli.oncall_cmd import after_declare

    after_declare(ctx, inc)  # blast radius and unknown services, on stderr (catalog only)
    return 0


def cmd_ack(args: argparse.Namespace, ctx: CliContext) -> int:
    inc = ctx.store().ack(args.id, at=_when(ctx, args.at, args.id))
    ctx.print(f"{inc.id} acknowledged")
    return 0


def cmd_sev(args: argparse.Namespace, ctx: CliContext) -> int:
    inc = ctx.store().set_severity(args.id, args.severity, reason=args.reason)
    ctx.print(f"{inc.id} is SEV{inc.severity}")
    return 0


def cmd_status(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store()
    if args.status == "resolved":
        return _resolve(args, ctx)
    inc = store.set_status(args.id, args.status, at=_when(ctx, args.at, args.id), note=args.note)
    ctx.print(f"{inc.id} is {inc.status}")
    if inc.status == "monitoring" and inc.hold_s:
        from irtui.domain.timeutil import fmt_duration

        ctx.err.write(
            f"{inc.id}: SEV{inc.peak_severity} asks for {fmt_duration(inc.hold_s)} in "
            "monitoring before it is resolved\n"
        )
    return 0


def _resolve(args: argparse.Namespace, ctx: CliContext) -> int:
    """Resolve, honouring the checklist and the monitoring hold; then list open tasks and
    the final update owed to each audience."""
    from irtui.domain.brief import open_tasks
    from irtui.domain.resolution import final_update_audiences

    store = ctx.store()
    checked = _checked(args.checked)
    if not checked:
        items = "\n".join(f"  {i.id:<24}{i.text}" for i in store.policy.checklist)
        raise UsageError(
            "resolving asks the resolution checklist; answer with --checked all (or "
            "--checked ID,ID) once each is true:\n" + items
        )
    inc = store.set_status(
        args.id,
        "resolved",
        at=_when(ctx, args.at, args.id),
        note=args.note,
        checked=checked,
        early_reason=args.early_reason,
    )
    ctx.print(f"{inc.id} is {inc.status}")
    events = store.events(inc.id)
    tasks = open_tasks(store.timeline(inc.id), events)
    if tasks:
        ctx.err.write(f"{inc.id}: {len(tasks)} task(s) still open:\n")
        for task in tasks:
            owner = f"{task.owner}: " if task.owner else ""
            ctx.err.write(f"  #{task.entry_id} {owner}{one_line(task.text)}\n")
    audiences = final_update_audiences(inc)
    if audiences:
        ctx.err.write(f"{inc.id}: a final update is owed to {', '.join(audiences)}:\n")
        for audience in audiences:
            if audience == "statuspage":
                ctx.err.write(f'  irtui publish {inc.id} "TEXT" --status resolved\n')
            else:
                ctx.err.write(f'  irtui update {inc.id} "TEXT" --audience {audience}\n')
    from irtui.sync.publish import resolve_offer

    offer = resolve_offer(store, inc.id)
    if offer:
        ctx.err.write(
            f"{inc.id} is on the status page; to resolve it there too:\n"
            f'  irtui publish {inc.id} "{offer}" --status resolved\n'
        )
    from irtui.sync.paging import resolve_offer as live_pages

    pages = live_pages(store, inc.id)
    if pages:
        names = ", ".join(f"#{p.number} {p.display}" for p in pages)
        ctx.err.write(
            f"{inc.id} has pages still open ({names}); to resolve them (PagerDuty too):\n"
            f"  irtui page-resolve {inc.id}\n"
        )
    return 0


def cmd_mitigated(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.timeutil import fmt_when

    store = ctx.store()
    inc = store.mitigated(args.id, at=_when(ctx, args.at, args.id), note=args.note)
    ctx.print(f"{inc.id} mitigated at {fmt_when(inc.milestones['mitigated'], store.now())}")
    return 0


def cmd_reopen(args: argparse.Namespace, ctx: CliContext) -> int:
    inc = ctx.store().reopen(args.id, args.reason)
    ctx.print(f"{inc.id} is {inc.status} again (reopened for corrections)")
    return 0


def _role(args: argparse.Namespace) -> str:
    """The role as typed, or marked custom on purpose by `--custom`. The store's command
    checks it against the standard roles (so what the text boundary removes from it is said,
    like any other field); `_near_miss_hint` turns its refusal into the command line's."""
    from irtui.domain.model import CustomRole

    return CustomRole(args.role) if args.custom else args.role


@contextmanager
def _near_miss_hint() -> Iterator[None]:
    from irtui.domain.model import UnknownRoleError

    try:
        yield
    except UnknownRoleError as exc:
        raise UsageError(
            f"unknown role {exc.name!r}: did you mean `{exc.suggestion}`? "
            f"(add --custom to create a custom role called {exc.name!r})"
        ) from None


def cmd_role(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.model import normalise_role

    typed = _role(args)  # the store's command cleans it, and says what it removed
    with _near_miss_hint():
        inc = ctx.store().assign_role(args.id, typed, args.name)
        role = normalise_role(typed)
    _say_role(ctx, inc, role)
    return 0


def _say_role(ctx: CliContext, inc: Any, role: str) -> None:
    from irtui.domain.handoff import short_label

    offer = inc.handoffs.get(role)
    if offer is not None and not offer.accepted:
        ctx.print(
            f"{inc.id}: {short_label(role)} offered to {offer.to}; it moves when they accept "
            f"(irtui --as {offer.to} accept {inc.id} {role}) and {offer.from_} confirms"
        )
    else:
        from irtui.domain.model import role_label

        ctx.print(f"{inc.id}: {role_label(role)} is {inc.roles[role].name}")


def cmd_handoff(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.model import normalise_role

    typed = _role(args)
    with _near_miss_hint():
        inc = ctx.store().handoff(args.id, typed, args.to, brief=args.brief or None)
        role = normalise_role(typed)
    _say_role(ctx, inc, role)
    return 0


def cmd_accept(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.handoff import short_label
    from irtui.domain.model import normalise_role

    store = ctx.store()
    typed = _role(args)
    with _near_miss_hint():
        inc = store.accept_handoff(args.id, typed, readback=args.readback)
        role = normalise_role(typed)
    offer = inc.handoffs[role]
    ctx.print(f"Brief from {offer.from_}, as written:")
    for line in (offer.brief or "(no brief)").splitlines():
        ctx.print(f"  {one_line(line)}")
    ctx.print(f"{inc.id}: you accepted {short_label(role)}: “{one_line(offer.readback)}”")
    ctx.print(
        f"waiting for {offer.from_} to confirm (irtui --as {offer.from_} confirm {inc.id} {role})"
    )
    return 0


def cmd_confirm(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.handoff import short_label
    from irtui.domain.model import normalise_role

    typed = _role(args)
    with _near_miss_hint():
        inc = ctx.store().confirm_handoff(args.id, typed)
        role = normalise_role(typed)
    ctx.print(f"{inc.id}: Confirmed, {inc.roles[role].name} is now {short_label(role)}")
    return 0


def cmd_withdraw(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.handoff import short_label
    from irtui.domain.model import normalise_role

    typed = _role(args)
    with _near_miss_hint():
        inc = ctx.store().withdraw_handoff(args.id, typed, reason=args.reason)
        role = normalise_role(typed)
    ctx.print(
        f"{inc.id}: the hand-off of {short_label(role)} is off; {inc.roles[role].name} keeps it"
    )
    return 0


def cmd_log(args: argparse.Namespace, ctx: CliContext) -> int:
    """The entry line's grammar (`irtui.domain.capture`), so a CLI seat makes the same entry
    (a backdated, starred decision; a task with an owner and a timer) as the TUI would."""
    store = ctx.store()
    at = _when(ctx, args.at, args.id)
    if args.plain:
        event = store.log(args.id, args.text, kind=args.kind or "note", at=at, starred=args.star)
    else:
        from irtui.domain.capture import parse_capture
        from irtui.domain.clocks import incident_now
        from irtui.domain.model import EntryKind

        incident = store.get(args.id)
        now = incident_now(incident, store.now())  # `-5m` in a drill's time, as the TUI
        captured = parse_capture(args.text, now, EntryKind(args.kind or "note"))
        if captured.at is not None and at is not None:
            raise UsageError("the text starts with a time and --at gives another: keep one")
        event = store.log(
            incident.id,
            captured.text,
            kind=str(captured.kind),
            at=captured.at or at,
            starred=captured.starred or args.star,
            task=captured.task,
        )
    if args.json:
        ctx.print_json(event.to_dict())
    else:
        ctx.print(str(event.id))
    return 0


def cmd_amend(args: argparse.Namespace, ctx: CliContext) -> int:
    event = ctx.store().amend(args.id, args.entry, args.text)
    ctx.print(str(event.id))
    return 0


def cmd_retract(args: argparse.Namespace, ctx: CliContext) -> int:
    event = ctx.store().retract(args.id, args.entry, args.reason)
    ctx.print(str(event.id))
    return 0


def cmd_update(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.clocks import WITH_STATUS_CHANGE
    from irtui.domain.timeutil import fmt_when

    store = ctx.store()
    store.record_update(
        args.id,
        args.text,
        audience=args.audience,
        at=_when(ctx, args.at),
        posted_by_hand=args.posted_by_hand,
        next_update=next_update_arg(ctx, args.next),
    )
    inc = store.get(args.id)
    due = inc.update_due.get(args.audience)
    if due is not None:
        nxt = f"next due {fmt_when(due, store.now())}"
    elif inc.promises.get(args.audience):
        nxt = f"next {WITH_STATUS_CHANGE}"
    else:
        nxt = "no next update due"
    how = "posted by hand" if args.posted_by_hand else "recorded"
    ctx.print(f"{inc.id}: {args.audience} update {how}; {nxt}")
    return 0


def cmd_snooze(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.timeparse import parse_due
    from irtui.domain.timeutil import fmt_local_utc

    store = ctx.store()
    until = parse_due(args.until, store.now())
    inc = store.snooze(args.id, args.target, until, args.reason)
    ctx.print(f"{inc.id}: {args.target} snoozed until {fmt_local_utc(until)}")
    return 0


def cmd_milestone(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.timeutil import fmt_when

    when = _when(ctx, args.at, args.id)
    assert when is not None
    store = ctx.store()
    inc = store.set_milestone(args.id, args.name, when, reason=args.reason)
    ctx.print(f"{inc.id}: {args.name} is {fmt_when(inc.milestones[args.name], store.now())}")
    return 0


# --- reads -------------------------------------------------------------------------------


def _incident_json(ctx: CliContext, inc: Any, *, timeline: bool) -> dict[str, Any]:
    from irtui.domain.clocks import clocks_dict
    from irtui.domain.metrics import durations

    store = ctx.store()
    data = inc.to_dict()
    data["clocks"] = clocks_dict(inc, store.now())
    data["durations_s"] = durations(inc)
    if timeline:
        data["timeline"] = [t.to_dict() for t in store.timeline(inc.id)]
    return data


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.clocks import ack_clock, next_update_clock
    from irtui.domain.timeutil import fmt_duration

    store = ctx.store()
    incidents = store.list_incidents(include_closed=args.all)
    if args.json:
        ctx.print_json([_incident_json(ctx, i, timeline=False) for i in incidents])
        return 0
    if not incidents:
        ctx.print('No open incidents. Declare one: irtui declare "TITLE" --sev 2')
        return 0
    now = store.now()
    ctx.print(
        f"{'ID':<9}{'SEV':<6}{'STATUS':<15}{'AGE':>8}  {'ACK':<18}{'NEXT UPDATE':<18}"
        f"{'IC':<14}TITLE"
    )
    for inc in incidents:
        drill = " [drill]" if inc.kind == "drill" else ""
        ctx.print(
            f"{inc.id:<9}{'SEV' + str(inc.severity):<6}{inc.status:<15}"
            f"{fmt_duration(now - inc.declared_at):>8}  {ack_clock(inc, now).text:<18}"
            f"{next_update_clock(inc, now).text:<18}{(inc.commander or '—')[:13]:<14}"
            f"{one_line(inc.title)}{drill}"
        )
    return 0


def one_line(text: str) -> str:
    """Titles and entries are printed literally but on one line (no terminal escapes)."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store()
    inc = store.get(args.id)
    if args.json:
        ctx.print_json(_incident_json(ctx, inc, timeline=True))
        return 0
    ctx.print(render_incident_text(ctx, inc))
    return 0


def render_incident_text(ctx: CliContext, inc: Any) -> str:
    from irtui.domain.clocks import all_clocks
    from irtui.domain.handoff import short_label
    from irtui.domain.model import MILESTONES, role_label
    from irtui.domain.resolution import hold_view
    from irtui.domain.timeutil import fmt_duration, fmt_local_utc

    store = ctx.store()
    now = store.now()
    peak = f" (peak SEV{inc.peak_severity})" if inc.peak_severity != inc.severity else ""
    lines = [
        f"{inc.id}  SEV{inc.severity}{peak}  {inc.status}  {one_line(inc.title)}"
        + ("  [drill]" if inc.kind == "drill" else "")
    ]
    if inc.services:
        lines.append(f"services: {', '.join(one_line(s) for s in inc.services)}")
    if inc.impact:
        lines.append(f"impact:   {one_line(inc.impact)}")
    if inc.links:
        from irtui.domain.links import ordered

        lines.append("links:    " + "  ".join(f"{n} {one_line(v)}" for n, v in ordered(inc.links)))
    lines.append(
        "milestones: "
        + "  ".join(
            f"{m} {fmt_local_utc(inc.milestones[m])}" for m in MILESTONES if inc.milestones[m]
        )
    )
    for clock in all_clocks(inc, now):
        due = fmt_local_utc(clock.due, with_date=True) if clock.due else "—"
        lines.append(f"  {clock.label:<22}{clock.text:<30}due {due}")
    hold = hold_view(inc, now)
    if hold is not None:
        lines.append(f"  {'Monitoring hold':<22}{hold.text}")
    if inc.roles:
        lines.append("roles:")
        for role, holder in inc.roles.items():
            lines.append(
                f"  {role_label(role):<22}{one_line(holder.name)} since "
                f"{fmt_local_utc(holder.since)}"
            )
    for role, offer in inc.handoffs.items():
        step = (
            f"accepted — waiting for {one_line(offer.from_)} to confirm"
            if offer.accepted
            else f"waiting for {one_line(offer.to)} to accept"
        )
        lines.append(
            f"hand-off of {short_label(role)}: {one_line(offer.from_)} → {one_line(offer.to)} "
            f"(offered {fmt_local_utc(offer.offered_at)}; {step})"
        )
        lines.append("  brief:")
        lines += [f"    {one_line(line)}" for line in (offer.brief or "(no brief)").splitlines()]
        if offer.readback:
            lines.append(f"  read-back: “{one_line(offer.readback)}”")
    lines.append("timeline:")
    last_day = None
    for entry in store.timeline(inc.id):
        day = entry.at.astimezone().date()
        if day != last_day:
            lines.append(f"  -- {day.isoformat()} --")
            last_day = day
        mark = "*" if entry.starred else " "
        text = one_line(entry.text)
        if entry.retracted:
            text = f"[RETRACTED: {one_line(entry.retracted[2])}] {text}"
        elif entry.amendments:
            text += f"  (amended; was: {one_line(entry.original_text)})"
        if entry.flag:
            text = f"[FLAGGED: {one_line(entry.flag)}] {text}"
        lines.append(
            f" {mark}{fmt_local_utc(entry.at)} #{entry.event_id:<5} "
            f"{entry.kind:<13} {one_line(entry.author)}: {text}"
        )
        if entry.detail:
            lines += [f"{'':>30}| {one_line(line)}" for line in entry.detail.splitlines()]
    lines.append(f"age {fmt_duration(now - inc.declared_at)}")
    return "\n".join(lines)


def parse_date(ctx: CliContext, text: str | None) -> datetime | None:
    if text is None:
        return None
    from datetime import date

    from irtui.domain.timeutil import to_utc

    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return to_utc(datetime(d.year, d.month, d.day))
        return to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise UsageError(f"cannot read date {text!r} (use YYYY-MM-DD or ISO-8601)") from None


def cmd_report(args: argparse.Namespace, ctx: CliContext) -> int:
    since, until = parse_date(ctx, args.since), parse_date(ctx, args.until)
    from irtui.review.report import build_report, render_report

    store = ctx.store()
    report = build_report(store, since, until, store.now(), include_flagged=args.include_flagged)
    ctx.out.write(render_report(report, args.format))
    return 0


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store()
    inc = store.get(args.id)
    if args.format == "json":
        data = _incident_json(ctx, inc, timeline=True)
        from irtui.domain.model import IncidentKind
        from irtui.drills.secrecy import players_event

        running = inc.kind == IncidentKind.DRILL and inc.is_open and not args.with_script
        data["events"] = [players_event(e.to_dict(), running=running) for e in store.events(inc.id)]
        ctx.print_json(data)
        return 0
    ctx.print(render_export_md(ctx, inc))
    return 0


def render_export_md(ctx: CliContext, inc: Any) -> str:
    """A Markdown incident log: header, milestones, roles, the timeline as a table."""
    from irtui.domain.metrics import durations
    from irtui.domain.model import MILESTONES, role_label
    from irtui.domain.timeutil import fmt_duration, iso

    store = ctx.store()

    def cell(text: str) -> str:
        return one_line(text).replace("|", "\\|")

    out = [
        f"# {inc.id}: {cell(inc.title)}",
        "",
        f"- Severity: SEV{inc.severity} (peak SEV{inc.peak_severity})",
        f"- Status: {inc.status}",
        f"- Kind: {inc.kind}",
    ]
    if inc.services:
        out.append(f"- Services: {', '.join(cell(s) for s in inc.services)}")
    if inc.impact:
        out.append(f"- Impact: {cell(inc.impact)}")
    out += ["", "## Milestones (UTC)", ""]
    out += [f"- {m}: {iso(inc.milestones[m]) or '—'}" for m in MILESTONES]
    out += ["", "## Durations", ""]
    out += [f"- {k.upper()}: {fmt_duration(v)}" for k, v in durations(inc).items()]
    out += ["", "## Roles", ""]
    out += [f"- {role_label(r)}: {cell(h.name)}" for r, h in inc.roles.items()] or ["- (none)"]
    out += ["", "## Timeline (UTC)", "", "| at | kind | author | entry |", "|---|---|---|---|"]
    for e in store.timeline(inc.id):
        text = cell(e.text)
        if e.starred:
            text = "★ " + text
        if e.retracted:
            text = f"~~{text}~~ (retracted: {cell(e.retracted[2])})"
        elif e.amendments:
            text += f" (amended; was: {cell(e.original_text)})"
        if e.flag:
            text = f"⚠ FLAGGED: {cell(e.flag)} — {text}"
        out.append(f"| {iso(e.at)} | {e.kind} | {cell(e.author)} | {text} |")
    from irtui.domain.handoff import handoffs_markdown

    handoffs = handoffs_markdown(store.events(inc.id))
    if handoffs:
        out += ["", *handoffs]
    return "\n".join(out)
