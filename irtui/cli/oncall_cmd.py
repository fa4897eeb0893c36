"""`irtui catalog`, `irtui oncall`, `irtui page`, `irtui escalate`, `irtui page-ack`,
`irtui page-resolve`, `irtui pages`: the service catalog, on-call schedules and paging.

`oncall` never opens the store (except `oncall handoff`) and reads schedules through the
per-file cache, so answering "who is on call for payments-db?" costs a YAML read and a JSON
read; `page` records the page and its PagerDuty trigger in one transaction, then tries one quick
delivery (the TUI and `irtui sync` deliver what is left).
"""

from __future__ import annotations

import argparse
import re
from datetime import datetime, timedelta
from typing import Any

from irtui.cli.context import CliContext, UsageError

_RELATIVE = re.compile(r"^([+-])(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    from irtui.cli import helptext as h

    catalog_opt = argparse.ArgumentParser(add_help=False)
    catalog_opt.add_argument(
        "--catalog",
        action="append",
        metavar="FILE",
        default=None,
        help="catalog.yaml, a Backstage catalog-info.yaml / Location file or folder "
        "(repeatable; default $IRTUI_CATALOG, else catalog.yaml in the user config dir)",
    )
    both = [*parents, catalog_opt]
    send = "record and queue only; `irtui sync` (or the TUI) delivers to PagerDuty"

    p = sub.add_parser(
        "catalog",
        parents=both,
        help="the service catalog: check, show SERVICE, deps SERVICE, blast ID",
        description="Check the service catalog, show a service, its dependencies, or the "
        "blast radius of an incident.",
        **h.examples(
            "irtui catalog check",
            "irtui catalog show payments-db",
            "irtui catalog deps checkout --json",
            "irtui catalog blast INC-1 --add",
        ),
    )
    p.add_argument(
        "what",
        choices=("check", "show", "deps", "blast"),
        help="check the files, show a service, its dependency tree, or an incident's blast radius",
    )
    p.add_argument("name", nargs="?", help="a service (show, deps) or an incident id (blast)")
    p.add_argument("--add", action="store_true", help="blast: add the dependants to the incident")
    p.add_argument("--json", action="store_true", help=h.JSON)
    p.set_defaults(handler=cmd_catalog)

    p = sub.add_parser(
        "oncall",
        parents=both,
        help="who is on call (primary, secondary, until when) for a service or team; "
        "`oncall handoff [TEAM]` briefs the incoming on-call",
        description="Who is on call now (or --at any time) for a service or a team, when "
        "their shift ends, and the escalation chain. `irtui oncall handoff [TEAM]` prints "
        "the brief for the incoming on-call.",
        **h.examples(
            "irtui oncall payments-db",
            "irtui oncall payments --at 2026-03-30T06:59:59Z",
            "irtui oncall payments-db --at INC-7",
            "irtui oncall handoff payments",
        ),
    )
    p.add_argument(
        "target",
        nargs="*",
        metavar="SERVICE|TEAM",
        help="a service or team (none: every team), or `handoff [TEAM]`",
    )
    p.add_argument(
        "--at",
        default=None,
        metavar="WHEN",
        help="ISO-8601, HH:MM (today, local), -3h / +2d, or INC-7 (when it started)",
    )
    p.add_argument("--json", action="store_true", help=h.JSON)
    p.set_defaults(handler=cmd_oncall)

    p = sub.add_parser(
        "page",
        parents=both,
        help="page one person for an incident: a person, a team's on-call "
        "(team:secondary) or a service (through its escalation policy)",
        description="Record a page (an event with its own clock) and queue it for PagerDuty.",
        **h.examples(
            'irtui page INC-1 payments-db --reason "replica 40s behind"',
            "irtui page INC-1 payments:secondary",
            "irtui page INC-1 dana --timeout 10m",
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument(
        "who",
        metavar="WHO",
        help="a service (payments-db, payments-db@2), a team or team:role, "
        "schedule:NAME, or a person",
    )
    p.add_argument("--reason", default="", metavar="TEXT", help="why them, now (one line)")
    p.add_argument("--timeout", default=None, metavar="DURATION", help="answer within (e.g. 10m)")
    p.add_argument("--no-send", action="store_true", help=send)
    p.add_argument("--json", action="store_true", help=h.JSON)
    p.set_defaults(handler=cmd_page)

    p = sub.add_parser(
        "escalate",
        parents=both,
        help="nobody answered: page the next level of the escalation policy",
        description="Escalate an unanswered page to the next level (one person).",
        **h.examples("irtui escalate INC-1", 'irtui escalate INC-1 --page 2 --reason "no ack"'),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument(
        "--page",
        type=int,
        default=None,
        metavar="N",
        help="which page (default: the latest unanswered)",
    )
    p.add_argument("--reason", default="", metavar="TEXT", help="why now (default: no answer)")
    p.add_argument("--no-send", action="store_true", help=send)
    p.add_argument("--json", action="store_true", help=h.JSON)
    p.set_defaults(handler=cmd_escalate)

    p = sub.add_parser(
        "page-ack",
        parents=both,
        help="the paged person answers: acknowledge a page (run it --as them)",
        description="Acknowledge a page (stops its clock; PagerDuty is told too).",
        **h.examples("irtui page-ack INC-1 --as erin", 'irtui page-ack INC-1 2 --note "on it"'),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument(
        "page",
        nargs="?",
        type=int,
        default=None,
        metavar="N",
        help="the page number (default: yours, else the only one waiting)",
    )
    p.add_argument("--note", default="", metavar="TEXT", help="a word with the answer")
    p.add_argument("--no-send", action="store_true", help=send)
    p.set_defaults(handler=cmd_page_ack)

    p = sub.add_parser(
        "page-resolve",
        parents=both,
        help="resolve an incident's pages (all live ones, or the numbers given)",
        description="Resolve pages (PagerDuty is told too).",
        **h.examples("irtui page-resolve INC-1", "irtui page-resolve INC-1 2 3"),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument(
        "pages", nargs="*", type=int, metavar="N", help="page numbers (default: every live one)"
    )
    p.add_argument("--reason", default="", metavar="TEXT", help="why (one line)")
    p.add_argument("--no-send", action="store_true", help=send)
    p.set_defaults(handler=cmd_page_resolve)

    p = sub.add_parser(
        "pages",
        parents=both,
        help="an incident's pages: who, when, their clock and delivery",
        description="List the pages of an incident with their clocks and delivery state.",
        **h.examples("irtui pages INC-1", "irtui pages INC-1 --json"),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("--json", action="store_true", help=h.JSON)
    p.set_defaults(handler=cmd_pages)


# --- shared ----------------------------------------------------------------------------


def load(args: argparse.Namespace, ctx: CliContext, *, quiet: bool = False) -> Any:
    """The catalog; its problems (not its errors: those exit 2) are mentioned once."""
    from irtui.catalog.load import load_catalog

    catalog = load_catalog(getattr(args, "catalog", None))
    errors = catalog.errors
    if errors and not quiet:
        ctx.err.write(
            f"irtui: the catalog has {len(errors)} problem(s), e.g. {errors[0]} "
            "(irtui catalog check lists them)\n"
        )
    return catalog


def parse_at(ctx: CliContext, text: str | None, now: datetime) -> datetime:
    """--at: ISO-8601 (naive = local), HH:MM today (local), -3h / +2d, or INC-n (started)."""
    from irtui.domain.timeutil import to_utc

    if text is None:
        return now
    raw = text.strip()
    rel = _RELATIVE.match(raw)
    if rel and any(rel.groups()[1:]):
        d, h, m, s = (int(g) if g else 0 for g in rel.groups()[1:])
        delta = timedelta(days=d, hours=h, minutes=m, seconds=s)
        return now + delta if rel.group(1) == "+" else now - delta
    hhmm = _HHMM.match(raw)
    if hhmm:
        local = now.astimezone()
        return to_utc(
            local.replace(
                hour=int(hhmm.group(1)),
                minute=int(hhmm.group(2)),
                second=int(hhmm.group(3) or 0),
                microsecond=0,
            )
        )
    if re.match(r"^(?:inc-?)\d+$", raw, re.IGNORECASE):
        inc = ctx.store().get(raw)
        return inc.milestones.get("started") or inc.declared_at
    try:
        return to_utc(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except ValueError:
        raise UsageError(
            f"cannot read --at {text!r} (use ISO-8601, HH:MM, -3h, +2d or INC-7)"
        ) from None


def when(value: datetime | None, now: datetime) -> str:
    """`18:00 (17:00Z), in 4h00m` — local beside UTC, and how far from now."""
    from irtui.domain.timeutil import fmt_duration, fmt_local_utc

    if value is None:
        return "beyond the schedule read (40 days)"
    far = (value - now).days >= 1 or (now - value).days >= 1
    text = fmt_local_utc(value, with_date=far)
    delta = value - now
    rel = (
        f"in {fmt_duration(delta)}" if delta.total_seconds() >= 0 else f"{fmt_duration(-delta)} ago"
    )
    return f"{text}, {rel}"


def _names(people: Any) -> str:
    return " + ".join(p.display + ("" if p.known else " (not in catalog)") for p in people)


def _clean(text: str, ctx: CliContext, what: str) -> str:
    from irtui.boundary.text_in import clean_input

    cleaned = clean_input(text, what=what, field="short", multiline=False)
    if cleaned.notice:
        ctx.err.write(f"irtui: note: {cleaned.notice}\n")
    return cleaned.text


# --- catalog -----------------------------------------------------------------------------


def cmd_catalog(args: argparse.Namespace, ctx: CliContext) -> int:
    catalog = load(args, ctx, quiet=True)
    if args.what == "check":
        return _check(args, ctx, catalog)
    if not args.name:
        needs = "an incident id" if args.what == "blast" else "a service"
        raise UsageError(f"irtui catalog {args.what} needs {needs}")
    if args.what == "blast":
        return _blast(args, ctx, catalog)
    service = catalog.service(args.name)
    if service is None:
        raise UsageError(_unknown_service(catalog, args.name))
    if args.what == "show":
        return _show_service(args, ctx, catalog, service)
    return _deps(args, ctx, catalog, service)


def _unknown_service(catalog: Any, name: str) -> str:
    shown = ", ".join(sorted(catalog.services)[:12]) or "none (is a catalog configured?)"
    return f"no service {name!r} in the catalog (services: {shown})"


def _check(args: argparse.Namespace, ctx: CliContext, catalog: Any) -> int:
    if args.json:
        ctx.print_json(
            {
                "sources": catalog.sources,
                "services": len(catalog.services),
                "teams": len(catalog.teams),
                "people": len(catalog.people),
                "policies": len(catalog.policies),
                "schedules": len(catalog.schedules),
                "problems": [p.to_dict() for p in catalog.problems],
            }
        )
    else:
        if not catalog.sources:
            raise UsageError(
                "no catalog configured: create catalog.yaml in the user config directory, "
                "set IRTUI_CATALOG or pass --catalog FILE (see docs/oncall.md)"
            )
        for problem in catalog.problems:
            ctx.print(str(problem))
        errors = len(catalog.errors)
        warnings = len(catalog.problems) - errors
        ctx.print(
            f"{len(catalog.services)} services, {len(catalog.teams)} teams, "
            f"{len(catalog.people)} people, {len(catalog.policies)} escalation policies, "
            f"{len(catalog.schedules)} schedules from {', '.join(catalog.sources)}: "
            f"{errors} error(s), {warnings} warning(s)"
        )
    _check_schedules(ctx, catalog, quiet=args.json)
    return 2 if catalog.errors else 0


def _check_schedules(ctx: CliContext, catalog: Any, *, quiet: bool) -> None:
    """Read every schedule file now (and fill the cache): a file that is not iCalendar is
    an error of `catalog check`, with its path."""
    from irtui.catalog.model import CatalogError, Problem
    from irtui.oncall.resolve import OnCall

    oncall = OnCall(catalog)
    now = ctx.clock()
    for spec in catalog.schedules.values():
        try:
            oncall.schedule(spec.key, "primary", now)
        except CatalogError as exc:
            problem = Problem(exc.source, exc.line, spec.key, exc.message)
            catalog.problems.append(problem)
            if not quiet:
                ctx.print(str(problem))
    for path, problems in oncall.loader.problems.items():
        for text in problems:
            if not quiet:
                ctx.print(f"{path}: warning: {text}")


def _show_service(args: argparse.Namespace, ctx: CliContext, catalog: Any, service: Any) -> int:
    from irtui.catalog.graph import blast_radius

    radius = blast_radius(catalog, [service.key])
    team = catalog.owner_team(service)
    if args.json:
        data = service.to_dict()
        data["owner_team"] = team.to_dict() if team else None
        data["blast_radius"] = [a.service for a in radius]
        data["depended_on_by"] = sorted(catalog.dependants().get(service.key, ()))
        ctx.print_json(data)
        return 0
    head = service.key + (f"  tier {service.tier}" if service.tier is not None else "")
    ctx.print(head + (f"  ({service.kind})" if service.kind != "service" else ""))
    if service.description:
        ctx.print(f"  {service.description}")
    owner = team.display if team else (service.owner or "— no owner —")
    ctx.print(f"  owner:        {owner}" + (f"  chat {team.chat}" if team and team.chat else ""))
    if service.chat:
        ctx.print(f"  chat:         {service.chat}")
    if service.system:
        ctx.print(f"  system:       {service.system}")
    ctx.print(f"  depends on:   {', '.join(service.depends_on) or '—'}")
    ctx.print(
        "  blast radius: "
        + (
            ", ".join(f"{a.service} (via {a.via})" if a.depth > 1 else a.service for a in radius)
            or "—"
        )
    )
    if service.runbooks:
        ctx.print(f"  runbooks:     {', '.join(service.runbooks)}")
    if service.status_page_component:
        ctx.print(f"  status page:  component {service.status_page_component}")
    policy = service.escalation or (team.escalation if team else None)
    ctx.print(f"  escalation:   {policy or 'implicit (owner primary, secondary, manager)'}")
    if service.pagerduty or service.integration_key_file:
        source = f"key name {service.pagerduty}" if service.pagerduty else "Backstage annotation"
        ctx.print(f"  pagerduty:    {source}")
    for key, value in service.annotations.items():
        ctx.print(f"  {key}: {value}")
    for link in service.links:
        ctx.print(f"  link: {link.title or 'link'}: {link.url}")
    ctx.print(f"  source:       {service.source}" + (f":{service.line}" if service.line else ""))
    return 0


def _deps(args: argparse.Namespace, ctx: CliContext, catalog: Any, service: Any) -> int:
    from irtui.catalog.graph import blast_radius, dependency_tree

    tree = dependency_tree(catalog, service.key)
    radius = blast_radius(catalog, [service.key])
    if args.json:
        ctx.print_json(
            {
                "service": service.key,
                "depends_on": [
                    {"depth": d, "service": s, "mark": m or None} for d, s, m in tree[1:]
                ],
                "blast_radius": [
                    {"service": a.service, "depth": a.depth, "via": a.via} for a in radius
                ],
            }
        )
        return 0
    ctx.print(f"{service.key} depends on:")
    marks = {"cycle": "  <- CYCLE", "missing": "  (not in the catalog)", "seen": "  (see above)"}
    for depth, name, mark in tree[1:]:
        ctx.print("  " + "  " * (depth - 1) + f"└ {name}{marks.get(mark, '')}")
    if len(tree) == 1:
        ctx.print("  nothing")
    ctx.print(f"depend on {service.key} (blast radius):")
    for a in radius:
        ctx.print(f"  {a.service}" + (f"  (via {a.via})" if a.depth > 1 else ""))
    if not radius:
        ctx.print("  nothing")
    return 0


def blast_lines(catalog: Any, services: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(lines to print, dependants not yet on the incident, services the catalog does not
    know) — shared by `declare` and `catalog blast`."""
    from irtui.catalog.graph import blast_radius

    unknown = [s for s in services if catalog.service(s) is None]
    known = [catalog.service(s).key for s in services if catalog.service(s) is not None]
    radius = blast_radius(catalog, known)
    missing = [a.service for a in radius if a.service not in services]
    lines = []
    for name in unknown:
        lines.append(f"{name}: not in the service catalog (flagged; kept on the incident)")
    if radius:
        lines.append(
            "blast radius: " + ", ".join(f"{a.service} (depends on {a.via})" for a in radius)
        )
    return lines, missing, unknown


def _blast(args: argparse.Namespace, ctx: CliContext, catalog: Any) -> int:
    store = ctx.store()
    incident = store.get(args.name)
    lines, missing, unknown = blast_lines(catalog, list(incident.services))
    if args.add and missing:
        incident = store.change_details(incident.id, services=[*incident.services, *missing])
    if args.json:
        ctx.print_json(
            {
                "incident": incident.id,
                "services": incident.services,
                "unknown": unknown,
                "dependants_not_on_incident": [] if args.add else missing,
                "added": missing if args.add else [],
            }
        )
        return 0
    for line in lines or [
        f"{incident.id}: no dependants of {', '.join(incident.services) or 'no services'}"
    ]:
        ctx.print(line)
    if args.add and missing:
        ctx.print(f"{incident.id}: added {', '.join(missing)}")
    elif missing:
        ctx.print(f"add them to {incident.id}: irtui catalog blast {incident.id} --add")
    return 0


def after_declare(ctx: CliContext, incident: Any) -> None:
    """`irtui declare --service S`: say what depends on S and which services the catalog does
    not know (on stderr: stdout stays the bare INC-n scripts read). No catalog, no output."""
    from irtui.catalog.load import catalog_paths

    if not incident.services or not catalog_paths(None):
        return
    try:
        from irtui.catalog.load import load_catalog

        catalog = load_catalog(None)
    except Exception as exc:  # the incident is declared; a broken catalog only costs the hint
        ctx.err.write(f"irtui: catalog not read: {exc}\n")
        return
    lines, missing, _ = blast_lines(catalog, list(incident.services))
    for line in lines:
        ctx.err.write(f"{incident.id}: {line}\n")
    if missing:
        ctx.err.write(f"  add them: irtui catalog blast {incident.id} --add\n")
    from irtui.catalog.links import inherited_links

    adopted = ctx.store().adopt_links(incident.id, inherited_links(catalog, incident.services))
    if adopted:
        names = ", ".join(str(e.payload["name"]) for e in adopted)
        ctx.err.write(f"{incident.id}: links from the service catalog: {names}\n")


# --- on call -------------------------------------------------------------------------------


def cmd_oncall(args: argparse.Namespace, ctx: CliContext) -> int:
    words = list(args.target)
    if words and words[0] == "handoff":
        return cmd_handoff(args, ctx, words[1:])
    if len(words) > 1:
        raise UsageError("irtui oncall takes one SERVICE or TEAM (or: handoff [TEAM])")
    from irtui.oncall.resolve import OnCall, view

    catalog = load(args, ctx)
    if catalog.empty:
        raise UsageError(
            "no catalog: create catalog.yaml in the user config directory, set IRTUI_CATALOG "
            "or pass --catalog FILE (docs/oncall.md)"
        )
    now = ctx.clock()
    at = parse_at(ctx, args.at, now)
    oncall = OnCall(catalog)
    if words:
        found = view(oncall, words[0], at)
        if not found.known:
            raise UsageError(
                f"no service or team {words[0]!r} in the catalog (teams: "
                f"{', '.join(sorted(catalog.teams)) or 'none'}; services: "
                f"{', '.join(sorted(catalog.services)[:12]) or 'none'})"
            )
        views = [found]
    else:
        views = [
            view(oncall, key, at) for key, team in sorted(catalog.teams.items()) if team.oncall
        ]
    if args.json:
        from irtui.domain.timeutil import iso

        data = [v.to_dict() for v in views]
        ctx.print_json({"at": iso(at), **(data[0] if words else {"teams": data})})
        return 0
    from irtui.domain.timeutil import fmt_duration

    head = f"on call at {at.astimezone():%Y-%m-%d %H:%M:%S %Z} ({at:%H:%M:%SZ})"
    delta = at - now
    if delta.total_seconds() >= 1:
        head += f", in {fmt_duration(delta)}"
    elif delta.total_seconds() <= -1:
        head += f", {fmt_duration(-delta)} ago"
    ctx.print(head)
    for v in views:
        _print_view(ctx, v, at)
    if not views:
        ctx.print("no team has an on-call schedule in the catalog")
    for path, problems in oncall.loader.problems.items():
        for text in problems[:5]:
            ctx.err.write(f"irtui: {path}: {text}\n")
    return 0


def _print_view(ctx: CliContext, v: Any, at: datetime) -> None:
    svc, team = v.service, v.team
    if svc is not None:
        owner = team.display if team else (svc.owner or "no owner")
        tier = f", tier {svc.tier}" if svc.tier is not None else ""
        ctx.print(f"{svc.key}  (owner {owner}{tier})")
    elif team is not None:
        ctx.print(f"{team.display}" + (f"  ({team.chat})" if team.chat else ""))
    for role in v.roles:
        if role.gap:
            ctx.print(
                f"  {role.role:<10} !! NOBODY ON CALL ({role.missing or 'gap'})"
                + (f" until {when(role.until, at)}" if role.until else "")
            )
            continue
        line = f"  {role.role:<10} {_names(role.people)}  until {when(role.until, at)}"
        if role.next:
            line += f", then {_names(role.next)}"
        if role.override:
            line += f"  [override: {role.override}]"
        if role.overlap:
            line += "  [overlap: both on call]"
        ctx.print(line)
    if not v.roles and team is not None:
        ctx.print("  (no on-call schedule for this team)")
    if v.chain:
        ctx.print(f"  escalation ({v.policy}):")
        from irtui.domain.paging import short_duration

        for step in v.chain:
            who = _names([step.person]) if step.person else f"— {step.problem or 'nobody'}"
            also = f" (also on call: {_names(step.also)})" if step.also else ""
            ctx.print(
                f"    {step.level}. {who} — {step.description}{also}  "
                f"[answer within {short_duration(step.timeout_s)}]"
            )


def cmd_handoff(args: argparse.Namespace, ctx: CliContext, words: list[str]) -> int:
    from irtui.oncall.handoff import build_handoff, render_handoff
    from irtui.oncall.resolve import OnCall

    catalog = load(args, ctx)
    teams = [t for t in catalog.teams.values() if t.oncall]
    if words:
        team = catalog.team(words[0])
        if team is None:
            known = ", ".join(sorted(catalog.teams)) or "none"
            raise UsageError(f"no team {words[0]!r} in the catalog (teams: {known})")
    elif len(teams) == 1:
        team = teams[0]
    else:
        raise UsageError(
            "which team? irtui oncall handoff TEAM (teams with on-call: "
            f"{', '.join(sorted(t.key for t in teams)) or 'none'})"
        )
    store = ctx.store()
    now = store.now()
    at = parse_at(ctx, args.at, now)
    brief = build_handoff(store, OnCall(catalog), team, at, now)
    if args.json:
        ctx.print_json(brief.to_dict())
    else:
        ctx.print(render_handoff(brief))
    return 0


# --- paging ----------------------------------------------------------------------------------


def _deliver_now(
    ctx: CliContext, store: Any, recorded: Any, *, no_send: bool, catalog: Any = None
) -> list[str]:
    """One quick delivery attempt of what was just queued (a page should not wait for the
    next `irtui sync`); anything that fails stays queued, and the output says so."""
    if not recorded.message_ids:
        return []
    if no_send:
        return ["queued for PagerDuty (irtui sync delivers it)"]
    from irtui.sync.pagerduty import PagerDutyEventsV2
    from irtui.sync.pagerduty_worker import PagingWorker, routing_keys

    provider = PagerDutyEventsV2(routing_keys(catalog), attempts=1, timeout_s=5.0)
    worker = PagingWorker(store, provider=provider)
    try:
        reports = worker.deliver_due(limit=10)
    finally:
        worker.close()
    wanted = set(recorded.message_ids)
    out = []
    for r in reports:
        if r.message_id not in wanted:
            continue
        if r.state == "sent":
            out.append(f"delivered to PagerDuty (message #{r.message_id})")
        elif r.state == "failed":
            out.append(f"NOT DELIVERED: {r.error}")
        else:
            out.append(
                f"NOT DELIVERED YET: {r.state} — {r.error}; it stays queued and is retried "
                "(irtui sync; irtui sync --status)"
            )
    if not out:
        out.append("queued for PagerDuty behind earlier messages (irtui sync --status)")
    return out


def cmd_page(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.policy import parse_duration
    from irtui.oncall.resolve import OnCall
    from irtui.oncall.targets import resolve_who
    from irtui.sync.paging import page

    timeout = None
    if args.timeout is not None:
        try:
            timeout = parse_duration(args.timeout)
        except ValueError as exc:
            raise UsageError(f"--timeout: {exc}") from None
    reason = _clean(args.reason, ctx, "reason")
    who_text = _clean(args.who, ctx, "who")
    store = ctx.store()
    incident = store.get(args.id)  # unknown incident: exit 2 before anything else
    catalog = load(args, ctx)
    oncall = OnCall(catalog)
    resolved = resolve_who(oncall, who_text, store.now(), timeout_s=timeout)
    recorded = page(store, incident.id, resolved.target, reason=reason, links=resolved.links)
    return _report_page(args, ctx, store, recorded, resolved.notes, catalog)


def _report_page(
    args: argparse.Namespace,
    ctx: CliContext,
    store: Any,
    recorded: Any,
    notes: list[str],
    catalog: Any = None,
) -> int:
    from irtui.domain.paging import short_duration
    from irtui.domain.timeutil import fmt_local_utc

    for note in notes:
        ctx.err.write(f"irtui: {note}\n")
    delivery = _deliver_now(ctx, store, recorded, no_send=args.no_send, catalog=catalog)
    pg = recorded.page
    if args.json:
        ctx.print_json({**pg.to_dict(store.now()), "delivery_now": delivery, "notes": notes})
        return 0
    level = f", level {pg.level} of {pg.levels} ({pg.policy})" if pg.level else ""
    ctx.print(
        f"{recorded.events[-1].incident_id}: paged {pg.display} — {pg.description}{level} "
        f"(page #{pg.number}); answer within {short_duration(pg.ack_within_s)}, "
        f"by {fmt_local_utc(pg.due)}"
    )
    if pg.next:
        nxt = pg.next.get("display") or pg.next.get("description")
        ctx.print(
            f"  no answer by then: irtui escalate {recorded.events[-1].incident_id}  (-> {nxt})"
        )
    if pg.delivery == "none":
        ctx.print(
            "  not sent to PagerDuty (no routing key configured): call them; the clock runs "
            "(docs/oncall.md: set IRTUI_PAGERDUTY_ROUTING_KEY)"
        )
    for line in delivery:
        ctx.print(f"  {line}")
    return 0


def cmd_escalate(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.paging import to_escalate
    from irtui.oncall.resolve import OnCall
    from irtui.oncall.targets import next_level
    from irtui.sync.paging import escalate, pages_of

    reason = _clean(args.reason, ctx, "reason")
    store = ctx.store()
    incident = store.get(args.id)
    pages = pages_of(store, incident.id)
    current = to_escalate(pages, args.page)
    catalog = load(args, ctx)
    tried = {p.person for p in pages if p.policy == current.policy and p.state != "resolved"}
    resolved = next_level(OnCall(catalog), current, store.now(), tried)
    recorded = escalate(
        store, incident.id, current.number, resolved.target, reason=reason, links=resolved.links
    )
    return _report_page(args, ctx, store, recorded, resolved.notes, catalog)


def cmd_page_ack(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.sync.paging import acknowledge

    note = _clean(args.note, ctx, "note")
    store = ctx.store()
    recorded = acknowledge(store, args.id, args.page, note)
    pg = recorded.page
    iid = recorded.events[0].incident_id
    ctx.print(f"{iid}: page #{pg.number} ({pg.display}) acknowledged by {store.author}")
    for line in _deliver_now(ctx, store, recorded, no_send=args.no_send):
        ctx.print(f"  {line}")
    return 0


def cmd_page_resolve(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.sync.paging import resolve_pages

    reason = _clean(args.reason, ctx, "reason")
    store = ctx.store()
    recorded = resolve_pages(store, args.id, args.pages or None, reason)
    numbers = recorded.events[0].payload["pages"]
    ctx.print(
        f"{recorded.events[0].incident_id}: resolved page(s) {', '.join(f'#{n}' for n in numbers)}"
    )
    for line in _deliver_now(ctx, store, recorded, no_send=args.no_send):
        ctx.print(f"  {line}")
    return 0


def cmd_pages(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.paging import page_clock
    from irtui.domain.timeutil import fmt_local_utc
    from irtui.store.paging_repo import deliveries, delivery_state
    from irtui.sync.paging import pages_of

    store = ctx.store()
    incident = store.get(args.id)
    pages = pages_of(store, incident.id)
    sent = deliveries(store.db, incident.id)
    now = store.now()
    if args.json:
        out = []
        for pg in pages:
            data = pg.to_dict(now)
            state = delivery_state(sent.get(pg.number, []))
            from irtui.domain.timeutil import iso

            state["next_attempt_at"] = iso(state.get("next_attempt_at"))
            data["delivery_state"] = state
            out.append(data)
        ctx.print_json({"incident": incident.id, "pages": out})
        return 0
    if not pages:
        ctx.print(f"{incident.id}: nobody was paged (irtui page {incident.id} WHO)")
        return 0
    from irtui.domain.paging import page_line

    for pg in pages:
        clock = page_clock(pg, now)
        state = delivery_state(sent.get(pg.number, []))
        ctx.print(
            f"#{pg.number} {pg.display:<16} {pg.state:<12} {clock.text:<18} "
            f"paged {fmt_local_utc(pg.paged_at)} by {pg.paged_by} — {page_line(pg, now)}"
        )
        if pg.delivery == "pagerduty":
            line = f"    PagerDuty: {state['state']}"
            if state["state"] in ("failed", "retrying"):
                line = f"    !! PagerDuty delivery {state['state'].upper()}: {state['error']}"
                if state["state"] == "failed":
                    line += f" — fix it, then irtui sync --retry {state['message_id']}"
            ctx.print(line)
        else:
            ctx.print("    not sent to PagerDuty (recorded only)")
    return 0
