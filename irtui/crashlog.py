"""When irtui itself fails: the traceback goes to a private log file, the person gets one
short line with its path.

Why not print the traceback: it is noise at 3 a.m., and its text can carry incident data or a
connection string. The log is written 0600 in the 0700 state dir (`paths.state_dir()`), with
database passwords and the status-page token taken out, so it can be attached to a bug report.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

KEEP = 20
"""Crash logs kept (oldest removed first): a crash loop must not fill the disk."""


def write_crash_log(exc: BaseException, *, where: str = "irtui") -> Path | None:
    """Write `exc`'s traceback to `<state dir>/crash-<UTC time>-<pid>.log`; its path, or None
    when even that failed (a read-only home: then nothing more can be done quietly)."""
    from irtui import __version__, paths
    from irtui.boundary.secrets import redact

    try:
        folder = paths.private_dir(paths.state_dir())
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = folder / f"crash-{stamp}-{os.getpid()}.log"
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        header = (
            f"{where} {__version__} crashed at {stamp}\n"
            f"python {sys.version.split()[0]} on {sys.platform}\n\n"
        )
        token = os.environ.get("IRTUI_STATUSPAGE_TOKEN")
        paths.write_private(path, redact(header + text, [token]))
        _prune(folder)
        return path
    except Exception:
        return None


def _prune(folder: Path) -> None:
    logs = sorted(folder.glob("crash-*.log"))
    for old in logs[:-KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()
