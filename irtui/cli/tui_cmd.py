"""`irtui` (no sub-command) opens the war room; `irtui demo` opens it on a throwaway store.

Textual is imported inside the handlers only, so `irtui log` never pays for it.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from typing import Any

DEMO_DB_HELP = (
    "a named demo store, kept: a new FILE is created and seeded, one irtui demo made before "
    "is reopened, any other store is refused (default: a throwaway folder)"
)


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    from irtui.cli import helptext as h
    from irtui.cli.main import global_options

    demo_parents = [global_options(for_subcommand=True, db_help=DEMO_DB_HELP, db_metavar="FILE")]
    summary = (
        "open the war room on a throwaway store seeded with a believable incident (no network)"
    )
    p = sub.add_parser(
        "demo",
        parents=demo_parents,
        help=summary,
        description=summary,
        **h.examples(
            "irtui demo",
            "irtui demo --db practice.db      # kept; run it again to carry on",
            "irtui demo --runbooks ~/runbooks",
        ),
    )
    p.add_argument(
        "--keep", action="store_true", help="keep the throwaway store and print where it is"
    )
    add_runbooks_option(p)
    p.set_defaults(handler=run_demo)
    summary = "open the war-room TUI on your store (same as no command)"
    p = sub.add_parser(
        "tui",
        parents=parents,
        help=summary,
        description=summary,
        **h.examples("irtui tui", "irtui tui INC-7 --as alice", "irtui --db team.db"),
    )
    p.add_argument("incident", nargs="?", help="open this incident directly (INC-7, 7)")
    add_runbooks_option(p)
    p.set_defaults(handler=run)


def add_runbooks_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--runbooks",
        action="append",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="runbook folder (repeatable; added to $IRTUI_RUNBOOKS, config "
        "and the bundled library)",
    )


def _with_runbooks(app: Any, args: argparse.Namespace) -> Any:
    if getattr(args, "runbooks", None):
        app.runbook_dirs = list(args.runbooks)
    return app


def _run(app: Any) -> int:
    """Run the app with everything loaded so far (Textual, the domain, the store: ~35,000
    objects that live as long as the process) frozen out of the garbage collector's view:
    a full collection that re-scanned them landed in the first frame and cost ~25 ms.
    Returns the exit code: 1 after a crash (the app wrote its log and said where)."""
    import gc

    gc.freeze()  # no collect() first: that alone would cost ~20 ms
    try:
        app.run()
    finally:
        gc.unfreeze()
    return int(app.return_code or 0)


def _collection_paused(handler: Callable[[argparse.Namespace, Any], int]) -> Any:
    """The handler runs with automatic garbage collection off until its app has drawn and
    settled (`irtui.tui.collection_hold.start_up_paused`): importing Textual and irtui and
    drawing the board no longer stop to re-scan what they just built (~12 ms of the first
    paint)."""

    @functools.wraps(handler)
    def paused(args: argparse.Namespace, ctx: Any) -> int:
        from irtui.tui.collection_hold import start_up_paused

        with start_up_paused():
            return handler(args, ctx)

    return paused


@_collection_paused
def run(args: argparse.Namespace, ctx: Any) -> int:
    from irtui.tui.app import IrtuiApp

    store = ctx.store()
    app = IrtuiApp(
        store,
        clock=ctx.clock,
        seat_name=ctx.author,
        open_incident=getattr(args, "incident", None),
        freeze_heap=True,
    )
    return _run(_with_runbooks(app, args))


@_collection_paused
def run_demo(args: argparse.Namespace, ctx: Any) -> int:
    """A plain `irtui demo` lives in a throwaway folder removed on every way out (quit, an
    error, a closed terminal, SIGTERM); `--keep` keeps it. `--db FILE` names a demo store that
    is kept: a new file is created and seeded, one `irtui demo` made before is reopened as it
    was left, anything else is refused (the demo never opens or seeds a real store)."""
    from irtui.demo import ThrowawayFolder, seed

    named = getattr(args, "db", None)
    if named:
        store, fresh = _open_named_demo(str(named), ctx)
        folder = None
    else:
        from irtui.store.repo import Store

        folder = ThrowawayFolder()
        store = Store.open(
            folder.path / "demo.db", policy=ctx.policy, clock=ctx.clock, author=ctx.author
        )
        fresh = True
    import os
    from pathlib import Path

    saved = os.environ.get("IRTUI_CATALOG")
    catalog = (
        folder.path / "catalog.yaml"
        if folder is not None
        else Path(str(named)).expanduser().with_name(Path(str(named)).name + ".catalog.yaml")
    )
    try:
        demo_seed = _with_oncall(seed, catalog) if fresh else None
        if not fresh and catalog.is_file() and not _has_catalog():
            os.environ["IRTUI_CATALOG"] = str(catalog)  # the reopened demo's own catalog
        return _run_demo_app(args, ctx, store, folder, demo_seed)
    finally:
        if saved is None:
            os.environ.pop("IRTUI_CATALOG", None)
        else:
            os.environ["IRTUI_CATALOG"] = saved
        store.close()
        if named:
            ctx.print(f"demo store kept at {named}; `irtui demo --db {named}` reopens it")
        elif folder is not None and args.keep:
            ctx.print(f"demo store kept at {folder.path / 'demo.db'}")
        elif folder is not None:
            folder.remove()


def _run_demo_app(args: argparse.Namespace, ctx: Any, store: Any, folder: Any, seed: Any) -> int:
    from irtui.tui.app import IrtuiApp

    app = IrtuiApp(
        store, clock=ctx.clock, seat_name=ctx.author, background_sync=False, freeze_heap=True
    )

    def stop() -> None:
        app.call_from_thread(app.exit)

    if folder is None or args.keep:  # a kept store: signals end the app the default way
        if seed is not None:
            seed(store)
        return _run(_with_runbooks(app, args))
    with folder.removed_on_signals(stop):
        if seed is not None:
            seed(store)
        code = _run(_with_runbooks(app, args))
    return 128 + folder.signalled if folder.signalled else code


def _open_named_demo(name: str, ctx: Any) -> tuple[Any, bool]:
    """(store, fresh): a new SQLite file to seed, or a demo store made before."""
    from pathlib import Path

    from irtui.cli.context import UsageError
    from irtui.demo import is_demo_store
    from irtui.store.repo import Store

    if "://" in name:
        raise UsageError(
            f"irtui demo --db takes a SQLite file path, not {name!r}: the demo never writes "
            "to a database server"
        )
    path = Path(name).expanduser()
    if path.is_dir():
        raise UsageError(f"{name} is a folder: irtui demo --db takes a file path")
    fresh = not path.exists()
    store = Store.open(path, policy=ctx.policy, clock=ctx.clock, author=ctx.author)
    if not fresh and not is_demo_store(store):
        count = len(store.list_incidents(include_closed=True))
        store.close()
        raise UsageError(
            f"{name} is an irtui store that irtui demo did not make ({count} incident(s)): "
            f"the demo never opens a real store. Open it with `irtui tui --db {name}`, or give "
            "irtui demo --db a new file"
        )
    return store, fresh


def _has_catalog() -> bool:
    from irtui.catalog.load import catalog_paths

    return bool(catalog_paths(None))


def _with_oncall(seed: Any, catalog: Any) -> Any:
    """`seed` plus the demo's catalog and pages (irtui/oncall/demo.py), unless the user has a
    catalog of their own: then the demo shows theirs. The catalog is set for this process
    only (`run_demo` restores the variable)."""

    def seeded(store: Any) -> Any:
        import os

        ids = seed(store)
        if _has_catalog():
            return ids
        from irtui.oncall.demo import seed_pages, write_catalog

        catalog.parent.mkdir(parents=True, exist_ok=True)
        path = write_catalog(catalog.parent, store.now(), name=catalog.name)
        os.environ["IRTUI_CATALOG"] = str(path)
        seed_pages(store, ids["sev1"], path)
        return ids

    return seeded
