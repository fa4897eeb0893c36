"""What a TUI crash leaves behind: a private log file and one short message.

Textual's default crash report prints a traceback with the locals of every frame — titles,
entries, names from the incident — onto the terminal, where a shared screen or a scrollback
keeps them. irtui writes the traceback (without locals) to `crash-<time>.log` in the user
state directory (`paths.state_dir()`, `IRTUI_STATE_DIR`), file 0600 in a 0700 directory, with
any typed text that was not saved yet so it can be recovered, and shows only the path.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text


def write_crash_log(error: BaseException, unsaved: list[str] | None = None) -> str | None:
    """Write the report; its path, or None when even that failed (then nothing is shown
    but the short message)."""
    from irtui.paths import private_dir, state_dir

    try:
        folder = private_dir(state_dir())
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = Path(folder) / f"crash-{stamp}.log"
        lines = [
            f"irtui crashed at {stamp} (pid {os.getpid()})\n\n",
            *traceback.format_exception(type(error), error, error.__traceback__),
        ]
        if unsaved:
            lines.append("\nText typed and not saved when it crashed:\n")
            lines += [f"---\n{text}\n" for text in unsaved]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as fh:
            fh.write("".join(lines))
        return str(path)
    except Exception:
        return None


def crash_message(path: str | None) -> Text:
    """The only thing the terminal shows after a crash (no incident data in it)."""
    where = f"The details are in {path}" if path else "The details could not be written"
    return Text.assemble(
        ("irtui stopped after an internal error. ", "bold"),
        "Everything already saved is safe in the store.\n",
        f"{where} (it may contain incident text: share it with care).\n",
    )
