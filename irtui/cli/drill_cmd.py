"""`irtui drill`: tabletop exercises from the command line.

    irtui drill list                      shipped scenarios, and the drills in the store
    irtui drill validate FILE...          check scenario files (file:line problems, exit 2)
    irtui drill run SCENARIO [--speed N]  declare the drill and facilitate it (TUI seat;
                                          --headless plays the injects here; --detach only
                                          declares it)
    irtui drill facilitate INC            take the facilitator's seat of a running drill
                                          (after a restart too: the drill clock is stored)
    irtui drill from INC [--out FILE]     a past incident as a scenario
    irtui drill report INC                the scored debrief (--format md|json)
    irtui drill delete INC --yes          delete a drill (recorded; gone from lists/reports)
    irtui drill pause|resume|end INC, speed INC N, fire|skip INC INJECT, improvise INC TEXT

Handlers import what they need; importing this module costs nothing beyond argparse.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from irtui.cli.context import CliContext, UsageError
from irtui.cli.helptext import ID, JSON, examples

TICK = "seconds between checks of the drill clock (default 0.5)"
SUBCOMMANDS = (
    "list",
    "validate",
    "run",
    "facilitate",
    "from",
    "report",
    "delete",
    "pause",
    "resume",
    "speed",
    "fire",
    "skip",
    "improvise",
    "end",
)


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "drill",
        parents=parents,
        help="tabletop drills: scripted injects, a facilitator's seat, replay, scored debrief",
        description="Tabletop drills: practise before it's real.",
        **examples(
            "irtui drill list",
            "irtui drill run db-connection-exhaustion --speed 2",
            "irtui drill facilitate INC-12",
            "irtui drill report INC-12 --format md",
        ),
    )
    drill = p.add_subparsers(dest="drill_command", metavar="|".join(SUBCOMMANDS[:7]), required=True)

    def add(name: str, handler: Any, help_: str, *example: str) -> argparse.ArgumentParser:
        q = drill.add_parser(
            name, parents=parents, help=help_, description=help_, **examples(*example)
        )
        q.set_defaults(handler=handler)
        return q

    def runbooks(q: argparse.ArgumentParser) -> None:
        # Its own dest (SUPPRESS by default): argparse copies a sub-command's namespace over
        # its parent's, so a `runbooks` dest here would drop `irtui --runbooks DIR drill ...`.
        q.add_argument(
            "--runbooks",
            action="append",
            metavar="DIR",
            dest="drill_runbooks",
            default=argparse.SUPPRESS,
            help="runbook folder scenarios may reference (repeatable; plus $IRTUI_RUNBOOKS, "
            "config and the bundled library)",
        )

    q = add(
        "list",
        cmd_list,
        "the shipped scenarios and the drills in the store",
        "irtui drill list",
        "irtui drill list --all --json",
    )
    q.add_argument("--all", action="store_true", help="include deleted drills")
    q.add_argument("--json", action="store_true", help=JSON)
    runbooks(q)

    q = add(
        "validate",
        cmd_validate,
        "check scenario files; exit 2 naming file:line problems",
        "irtui drill validate drills/payments-db.yaml",
    )
    q.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files to check")
    runbooks(q)

    q = add(
        "run",
        cmd_run,
        "declare a drill from a scenario and facilitate it",
        "irtui drill run db-connection-exhaustion",
        "irtui drill run my-scenario.yaml --speed 2 --headless",
    )
    q.add_argument("scenario", help="a shipped scenario id (irtui drill list) or a YAML file")
    q.add_argument(
        "--speed", type=float, default=1.0, help="drill clock speed (60: a minute a second)"
    )
    mode = q.add_mutually_exclusive_group()
    mode.add_argument("--headless", action="store_true", help="play the injects in this terminal")
    mode.add_argument("--detach", action="store_true", help="only declare it; print its id")
    q.add_argument("--tick", type=float, default=0.5, help=TICK)
    runbooks(q)

    q = add(
        "facilitate",
        cmd_facilitate,
        "the facilitator's seat of a drill (resumes a drill)",
        "irtui drill facilitate INC-12",
    )
    q.add_argument("id", help=ID)
    q.add_argument("--headless", action="store_true", help="play the injects in this terminal")
    q.add_argument("--tick", type=float, default=0.5, help=TICK)

    q = add(
        "from",
        cmd_from,
        "turn a resolved or imported incident into a scenario",
        "irtui drill from INC-42 --out drills/inc-42.yaml",
    )
    q.add_argument("id", help=ID)
    q.add_argument("--out", metavar="FILE", help="write the scenario to FILE (default: stdout)")
    q.add_argument("--force", action="store_true", help="overwrite FILE")
    runbooks(q)

    q = add(
        "report",
        cmd_report,
        "the scored debrief of a drill",
        "irtui drill report INC-12",
        "irtui drill report INC-12 --format json --file-actions",
    )
    q.add_argument("id", help=ID)
    q.add_argument("--format", choices=("md", "json"), default="md", help="md (default) or json")
    q.add_argument(
        "--file-actions",
        action="store_true",
        help="file every finding as an action item of the drill (once each)",
    )

    q = add(
        "delete",
        cmd_delete,
        "delete a drill: recorded, then gone from lists and reports",
        'irtui drill delete INC-12 --yes --reason "practice run"',
    )
    q.add_argument("id", help=ID)
    q.add_argument("--reason", default="", help="why (kept with the deletion)")
    q.add_argument("--yes", action="store_true", help="really delete it")

    for name, help_ in (
        ("pause", "pause the drill clock"),
        ("resume", "resume the drill clock"),
        ("end", "end the drill (resolve its incident)"),
    ):
        q = add(name, cmd_clock, help_, f"irtui drill {name} INC-12")
        q.add_argument("id", help=ID)
    q = add("speed", cmd_clock, "change the drill clock's speed", "irtui drill speed INC-12 4")
    q.add_argument("id", help=ID)
    q.add_argument(
        "value", type=float, metavar="SPEED", help="1 is real time, 60 a minute a second"
    )
    q = add(
        "fire",
        cmd_fire,
        "play an inject now (a clue the players asked for)",
        "irtui drill fire INC-12 db-metrics",
    )
    q.add_argument("id", help=ID)
    q.add_argument("inject", help="the inject's id in the scenario (irtui drill facilitate)")
    q = add("skip", cmd_fire, "pass over an inject", "irtui drill skip INC-12 exec-ping")
    q.add_argument("id", help=ID)
    q.add_argument("inject", help="the inject's id in the scenario")
    q.add_argument("--reason", default="", help="why it was skipped (recorded)")
    q = add(
        "improvise",
        cmd_improvise,
        "play an inject the script does not have",
        'irtui drill improvise INC-12 "the CFO is asking for an ETA" --kind exec_message',
    )
    q.add_argument("id", help=ID)
    q.add_argument("text", help="what the players receive")
    q.add_argument(
        "--kind",
        default="news",
        help="alert, customer_report, metric, exec_message, failed_mitigation, news, clue",
    )


# --- helpers -------------------------------------------------------------------------------


def _known(args: argparse.Namespace) -> set[str]:
    from irtui.drills.library import known_runbooks

    return known_runbooks(_runbook_dirs(args) or None)


def _runbook_dirs(args: argparse.Namespace) -> list[str]:
    """Every `--runbooks` given, before `drill` and after it, in order."""
    return [*(getattr(args, "runbooks", None) or []), *(getattr(args, "drill_runbooks", []))]


def _line(text: object, limit: int | None = None) -> str:
    from irtui.boundary.text_out import for_terminal

    return for_terminal(text, single_line=True, limit=limit)


def _drill(ctx: CliContext, ref: str) -> Any:
    from irtui.drills.runner import view

    v = view(ctx.store(), ref)
    if v.state is None:
        raise UsageError(
            f"{v.incident.id} is a drill without a script (declared with --drill): "
            "there is nothing to facilitate"
        )
    return v


# --- list, validate ----------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.drills import runner
    from irtui.drills.library import catalogue
    from irtui.drills.offsets import drill_elapsed
    from irtui.drills.scenario import ScenarioError

    items = catalogue(known=_known(args))
    store = ctx.store()
    drills = []
    for inc in runner.drills(store, include_deleted=args.all):
        v = runner.view(store, inc.id)
        drills.append((inc, v))
    if args.json:
        ctx.print_json(
            {
                "scenarios": [
                    {"file": str(path), "error": str(s)}
                    if isinstance(s, ScenarioError)
                    else {
                        "id": s.id,
                        "title": s.title,
                        "tests": list(s.tests),
                        "injects": len(s.injects),
                        "file": str(path),
                    }
                    for path, s in items
                ],
                "drills": [_drill_json(inc, v) for inc, v in drills],
            }
        )
        return 0
    ctx.print("Scenarios (irtui drill run ID):")
    for path, s in items:
        if isinstance(s, ScenarioError):
            ctx.print(f"  {path.stem:<28} BROKEN: {_line(s, 80)}")
        else:
            tests = ", ".join(s.tests) or "—"
            ctx.print(f"  {s.id:<28} {tests:<11} {len(s.injects):>2} injects  {_line(s.title, 60)}")
    ctx.print("")
    if not drills:
        ctx.print("No drills in the store yet.")
        return 0
    ctx.print("Drills:")
    for inc, v in drills:
        if inc.deleted_at is not None:
            state = "deleted"
        elif not inc.is_open:
            state = str(inc.status)
        elif v.state is None:
            state = "no script"
        else:
            state = "running" if v.state.running else "paused"
        clock = drill_elapsed(v.state.started, v.now) if v.state else "—"
        fired = f"{len(v.state.fired)}/{len(v.rows)}" if v.state else "—"
        ctx.print(
            f"  {inc.id:<8} {state:<9} {clock:<10} injects {fired:<6} "
            f"{inc.declared_at:%Y-%m-%d}  {_line(inc.title, 60)}"
        )
    return 0


def _drill_json(inc: Any, v: Any) -> dict[str, Any]:
    from irtui.domain.timeutil import iso
    from irtui.drills.runner import summary

    return {
        "id": inc.id,
        "title": inc.title,
        "status": str(inc.status),
        "deleted_at": iso(inc.deleted_at),
        "scenario": v.state.scenario.id if v.state else None,
        "running": v.state.running if v.state else None,
        "speed": v.state.speed if v.state else None,
        "drill_now": iso(v.now),
        "declared_at": iso(inc.declared_at),
        "injects": summary(v) if v.state else None,
    }


def cmd_validate(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.boundary.errors import YamlError
    from irtui.drills.scenario import ScenarioError, load_scenario

    known = _known(args)
    bad = 0
    for name in args.files:
        try:
            s = load_scenario(name, known_runbooks=known)
        except (ScenarioError, YamlError) as exc:
            bad += 1
            ctx.err.write(f"{exc}\n")
            continue
        timed = sum(i.at_s is not None for i in s.injects)
        clues = sum(i.on_ask for i in s.injects)
        ctx.print(
            f"ok {name}: {s.id}, {len(s.injects)} injects ({timed} timed, "
            f"{len(s.injects) - timed - clues} on triggers, {clues} clues)"
        )
        for notice in s.notices:
            ctx.err.write(f"irtui: note: {notice}\n")
    if bad:
        ctx.err.write(f"irtui: {bad} of {len(args.files)} scenario file(s) refused\n")
        return 2
    return 0


# --- run, facilitate ---------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.drills import runner
    from irtui.drills.clock import check_speed
    from irtui.drills.library import find

    check_speed(args.speed)
    scenario = find(args.scenario, known=_known(args))
    store = ctx.store()
    incident = runner.start(store, scenario, speed=args.speed)
    if args.detach:
        ctx.print(incident.id)
        return 0
    ctx.err.write(
        f"irtui: drill {incident.id} started ({scenario.id}, speed ×{args.speed:g}); players: "
        f"`irtui tui {incident.id}` on this store\n"
    )
    return _facilitate(args, ctx, incident.id)


def cmd_facilitate(args: argparse.Namespace, ctx: CliContext) -> int:
    v = _drill(ctx, args.id)
    if not v.incident.is_open:
        raise UsageError(
            f"{v.incident.id} is over ({v.incident.status}): `irtui drill report {v.incident.id}`"
        )
    return _facilitate(args, ctx, v.incident.id)


def _facilitate(args: argparse.Namespace, ctx: CliContext, incident_id: str) -> int:
    headless = args.headless or not (sys.stdin.isatty() and sys.stdout.isatty())
    if headless:
        return _play(ctx, incident_id, tick_s=max(args.tick, 0.05))
    from irtui.tui.facilitator_app import FacilitatorApp

    app = FacilitatorApp(ctx.store(), incident_id, clock=ctx.clock, seat_name=ctx.author)
    if _runbook_dirs(args):
        app.runbook_dirs = _runbook_dirs(args)
    app.run()
    return 0


def _play(ctx: CliContext, incident_id: str, *, tick_s: float) -> int:
    """The headless facilitator: tick the drill, print what is played, until it is over."""
    from irtui.domain.model import EventKind
    from irtui.drills import runner
    from irtui.drills.offsets import drill_elapsed

    store = ctx.store()
    v = _drill(ctx, incident_id)
    assert v.state is not None
    start = v.state.started
    ctx.print(
        f"DRILL {v.incident.id}: {_line(v.incident.title)} — drill clock "
        f"{drill_elapsed(start, v.now)}, speed ×{v.state.speed:g}"
        f"{'' if v.state.running else ', PAUSED'}"
    )
    ctx.print("Ctrl-C stops this runner; the drill goes on (`irtui drill facilitate` resumes it).")
    shown = {
        EventKind.DRILL_INJECT_FIRED,
        EventKind.DRILL_IMPROVISED,
        EventKind.DRILL_PAUSED,
        EventKind.DRILL_RESUMED,
        EventKind.DRILL_SPEED_CHANGED,
        EventKind.DRILL_INJECT_SKIPPED,
    }
    last = v.events[-1].id if v.events else 0
    try:
        while True:
            runner.tick(store, incident_id)
            new = store.events(incident_id, after_id=last or 0)
            for event in new:
                last = event.id or last
                if event.kind in shown:
                    ctx.print(f"{drill_elapsed(start, event.at):>9}  {_describe(event)}")
            ctx.flush()
            incident = store.get(incident_id)
            if not incident.is_open:
                why = "deleted" if incident.deleted_at else str(incident.status)
                ctx.print(f"drill over ({why}): `irtui drill report {incident_id}`")
                return 0
            time.sleep(tick_s)
    except KeyboardInterrupt:
        ctx.print(f"runner stopped; {incident_id} goes on (`irtui drill facilitate {incident_id}`)")
        return 0


def _describe(event: Any) -> str:
    from irtui.domain.model import EventKind
    from irtui.domain.timeline import describe

    p = event.payload
    if event.kind == EventKind.DRILL_INJECT_FIRED:
        how = {"facilitator": " (by the facilitator)"}.get(str(p.get("how")), "")
        return _line(f"{p.get('inject')}{how}: {describe(event)}")
    if event.kind == EventKind.DRILL_INJECT_SKIPPED:
        return _line(f"{p.get('inject')}: skipped by {event.author}")
    return _line(describe(event))


# --- from, report, delete ------------------------------------------------------------------


def cmd_from(args: argparse.Namespace, ctx: CliContext) -> int:
    from pathlib import Path

    from irtui.domain.model import IncidentKind
    from irtui.domain.timeutil import iso
    from irtui.drills.replay import scenario_from_incident, to_yaml

    store = ctx.store()
    incident = store.get(args.id)
    if incident.kind is IncidentKind.DRILL:
        raise UsageError(f"{incident.id} is a drill; its script is already a scenario")
    if incident.is_open and incident.kind is not IncidentKind.BACKFILLED:
        raise UsageError(
            f"{incident.id} is still {incident.status}: replay resolved or imported incidents"
        )
    scenario = scenario_from_incident(
        incident, store.events(incident.id), known_runbooks=_known(args)
    )
    header = (
        f"Replay of {incident.id}, written by `irtui drill from` at {iso(store.now())}.\n"
        "Edit freely: `irtui drill validate FILE`, then `irtui drill run FILE`."
    )
    text = to_yaml(scenario, header=header)
    if not args.out:
        ctx.out.write(text)
        return 0
    out = Path(args.out)
    if out.exists() and not args.force:
        raise UsageError(f"{out} exists (add --force to overwrite it)")
    out.write_text(text, encoding="utf-8")
    ctx.print(f"wrote {out}: {len(scenario.injects)} injects; `irtui drill run {out}`")
    return 0


def cmd_report(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.drills.debrief import render_json, render_markdown
    from irtui.drills.record import file_all, score

    store = ctx.store()
    debrief = score(store, args.id)
    filed = file_all(store, debrief) if args.file_actions else []
    ctx.out.write(render_json(debrief) if args.format == "json" else render_markdown(debrief))
    for item in filed:
        ctx.err.write(f"irtui: filed action item #{item.id}: {_line(item.title, 100)}\n")
    return 0


def cmd_delete(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.drills import runner

    store = ctx.store()
    incident = store.get(args.id)
    if not runner.is_drill(incident):
        raise UsageError(f"{incident.id} is a {incident.kind} incident; only drills can be deleted")
    if not args.yes:
        raise UsageError(
            f"deleting {incident.id} ({_line(incident.title, 60)}) takes it off every list and "
            "report (the deletion is recorded): add --yes"
        )
    runner.delete(store, incident.id, args.reason)
    ctx.print(f"{incident.id} deleted (recorded; `irtui drill list --all` still shows it)")
    return 0


# --- the facilitator's other keys, for scripts and second terminals ----------------------------


def cmd_clock(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.drills import runner
    from irtui.drills.offsets import drill_elapsed

    store = ctx.store()
    command = args.drill_command
    if command == "end":
        incident = runner.end(store, args.id)
        ctx.print(f"{incident.id} ended: `irtui drill report {incident.id}`")
        return 0
    v = _drill(ctx, args.id)
    if command == "pause":
        runner.pause(store, v.incident.id)
    elif command == "resume":
        runner.resume(store, v.incident.id)
    else:
        runner.set_speed(store, v.incident.id, args.value)
    v = _drill(ctx, args.id)
    assert v.state is not None
    ctx.print(
        f"{v.incident.id}: drill clock {drill_elapsed(v.state.started, v.now)}, "
        f"{'running' if v.state.running else 'paused'}, speed ×{v.state.speed:g}"
    )
    return 0


def cmd_fire(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.drills import runner

    store = ctx.store()
    v = _drill(ctx, args.id)
    if args.drill_command == "fire":
        event = runner.fire(store, v.incident.id, args.inject)
        ctx.print(f"played {event.payload['inject']}: {_line(event.payload['text'], 100)}")
    else:
        event = runner.skip(store, v.incident.id, args.inject, args.reason)
        ctx.print(f"skipped {event.payload['inject']}")
    return 0


def cmd_improvise(args: argparse.Namespace, ctx: CliContext) -> int:
    from irtui.drills import runner
    from irtui.drills.scenario import INJECT_KINDS, normalise_kind

    if normalise_kind(args.kind) is None:
        raise UsageError(f"--kind must be one of {', '.join(INJECT_KINDS)}")
    event = runner.improvise(ctx.store(), args.id, args.text, args.kind)
    ctx.print(f"played (improvised): {_line(event.payload['text'], 100)}")
    return 0
