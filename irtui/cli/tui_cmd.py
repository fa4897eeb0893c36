"""`irtui` (no sub-command) opens the war room; `irtui demo` opens it on a throwaway store.

Textual is imported inside the handlers only, so `irtui log` never pays for it.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        parents=parents,
        help="open the war room on a throwaway store seeded with a believable "
        "incident (no network)",
    )
    p.add_argument("--keep", action="store_true", help="keep the demo store and print where it is")
    add_runbooks_option(p)
    p.set_defaults(handler=run_demo)
    p = sub.add_parser("tui", parents=parents, help="open the war-room TUI (same as no command)")
    p.add_argument("incident", nargs="?", help="open this incident directly")
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


def run(args: argparse.Namespace, ctx: Any) -> int:
    from irtui.tui.app import IrtuiApp

    store = ctx.store()
    app = IrtuiApp(
        store, clock=ctx.clock, seat_name=ctx.author, open_incident=getattr(args, "incident", None)
    )
    return _run(_with_runbooks(app, args))


def run_demo(args: argparse.Namespace, ctx: Any) -> int:
    import shutil
    import tempfile
    from pathlib import Path

    from irtui.demo import seed
    from irtui.store.repo import Store
    from irtui.tui.app import IrtuiApp

    folder = Path(tempfile.mkdtemp(prefix="irtui-demo-"))
    store = Store.open(folder / "demo.db", policy=ctx.policy, clock=ctx.clock, author=ctx.author)
    try:
        seed(store)
        app = IrtuiApp(store, clock=ctx.clock, seat_name=ctx.author, background_sync=False)
        code = _run(_with_runbooks(app, args))
    finally:
        store.close()
        if args.keep:
            ctx.print(f"demo store kept at {folder / 'demo.db'}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return code
