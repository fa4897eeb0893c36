"""`irtui details` and `irtui link`: an incident's title, impact and services edited after it
was declared, and its named links (dashboard, bridge, channel, ticket) — each change an event.

Only sqlite3 and the domain are imported.
"""

from __future__ import annotations

import argparse
from typing import Any

from irtui.cli.context import CliContext, UsageError


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    from irtui.cli import helptext as h

    def add(name: str, handler: Any, help_: str, example: tuple[str, ...]) -> Any:
        p = sub.add_parser(
            name, parents=parents, help=help_, description=help_, **h.examples(*example)
        )
        p.set_defaults(handler=handler)
        return p

    p = add(
        "details",
        cmd_details,
        "show or edit an incident's title, impact (who, how many, regions) and services",
        (
            "irtui details INC-1",
            'irtui details INC-1 --title "Checkout failing for card payments"',
            'irtui details INC-1 --who "customers paying by card" --how-many "~70%" '
            "--regions eu-west,eu-central",
            "irtui details INC-1 --add-service payments-db --remove-service cdn",
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("--title", default=None, help="the new title")
    p.add_argument(
        "--impact", default=None, help="the impact as one sentence (else built from the parts)"
    )
    p.add_argument("--who", default=None, help="impact: who is affected")
    p.add_argument("--how-many", default=None, help="impact: how many (users, orders, a share)")
    p.add_argument("--regions", default=None, help="impact: which regions (comma-separated)")
    p.add_argument(
        "--service",
        action="append",
        default=None,
        metavar="S",
        help="the affected services, replacing the list (repeat for several)",
    )
    p.add_argument(
        "--add-service", action="append", default=[], metavar="S", help="add an affected service"
    )
    p.add_argument(
        "--remove-service",
        action="append",
        default=[],
        metavar="S",
        help="remove an affected service",
    )
    p.add_argument("--json", action="store_true", help=h.JSON)

    p = add(
        "link",
        cmd_link,
        "show, set or remove an incident's named links (dashboard, bridge, channel, ticket, ...)",
        (
            "irtui link INC-1",
            "irtui link INC-1 dashboard https://grafana.example.com/d/checkout",
            "irtui link INC-1 bridge https://meet.example.com/inc-1",
            "irtui link INC-1 channel '#inc-1-checkout'",
            "irtui link INC-1 ticket --remove",
        ),
    )
    p.add_argument("id", help=h.ID)
    p.add_argument("name", nargs="?", help="dashboard, bridge, channel, ticket, or your own name")
    p.add_argument("url", nargs="?", help="the address (http/https), channel name or ticket key")
    p.add_argument("--remove", action="store_true", help="remove the named link")
    p.add_argument("--json", action="store_true", help=h.JSON)


def _print_details(ctx: CliContext, inc: Any) -> None:
    from irtui.domain.details import IMPACT_PARTS, PART_LABELS
    from irtui.domain.links import label, ordered

    ctx.print(f"{inc.id}  {inc.title}")
    ctx.print(f"  impact    {inc.impact or '—'}")
    for key in IMPACT_PARTS:
        if inc.impact_parts.get(key):
            ctx.print(f"    {PART_LABELS[key].lower():<16}{inc.impact_parts[key]}")
    ctx.print(f"  services  {', '.join(inc.services) or '—'}")
    for name, value in ordered(inc.links):
        ctx.print(f"  {label(name).lower():<10}{value}")


def cmd_details(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store()
    parts = {
        key: value
        for key, value in (
            ("who", args.who),
            ("how_many", args.how_many),
            ("regions", args.regions),
        )
        if value is not None
    }
    services = None
    if args.service is not None or args.add_service or args.remove_service:
        current = store.get(args.id).services
        services = list(args.service) if args.service is not None else list(current)
        services += [s for s in args.add_service if s not in services]
        missing = [s for s in args.remove_service if s not in services]
        if missing:
            raise UsageError(f"not among the services: {', '.join(missing)}")
        services = [s for s in services if s not in args.remove_service]
    if args.title is None and args.impact is None and not parts and services is None:
        inc = store.get(args.id)
    else:
        inc = store.change_details(
            args.id,
            title=args.title,
            services=services,
            impact=args.impact,
            parts=parts or None,
        )
    if args.json:
        ctx.print_json(
            {
                "id": inc.id,
                "title": inc.title,
                "impact": inc.impact,
                "impact_parts": inc.impact_parts,
                "services": inc.services,
                "links": inc.links,
            }
        )
    else:
        _print_details(ctx, inc)
    return 0


def cmd_link(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.domain.links import is_web_url, label, normalise_name, ordered

    store = ctx.store()
    if args.name is None:
        if args.remove or args.url:
            raise UsageError("say which link: irtui link ID NAME [URL|--remove]")
        inc = store.get(args.id)
    elif args.remove:
        if args.url:
            raise UsageError("--remove takes no URL")
        inc = store.set_link(args.id, args.name, None)
        ctx.err.write(f"{inc.id}: {label(normalise_name(args.name))} link removed\n")
    elif args.url is None:
        inc = store.get(args.id)
        key = normalise_name(args.name)
        if key not in inc.links:
            raise UsageError(f"{inc.id} has no {key} link (set it: irtui link {inc.id} {key} URL)")
        ctx.print(inc.links[key])
        return 0
    else:
        inc = store.set_link(args.id, args.name, args.url)
    if args.json:
        ctx.print_json(
            [
                {"name": name, "url": value, "web": is_web_url(value)}
                for name, value in ordered(inc.links)
            ]
        )
        return 0
    if not inc.links:
        ctx.print(f"{inc.id} has no links yet (irtui link {inc.id} dashboard URL)")
    for name, value in ordered(inc.links):
        ctx.print(f"{label(name).lower():<10}{value}")
    return 0
