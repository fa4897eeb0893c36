"""Help that helps: the words every sub-command's `--help` shares, its examples, and the
everyday flow that `irtui --help` and `irtui help` show first.

Every argument of every sub-command has a one-line description and every sub-command ends its
help with examples (a test walks the whole parser tree to keep it so). Examples are kept as
written (`RawDescriptionHelpFormatter`), so they can be copied into a shell.
"""

from __future__ import annotations

import argparse
from typing import Any

ID = "the incident: INC-7, inc-7 or 7"
JSON = "print JSON for scripts instead of text"
WHEN = "when it happened: -5m, 14:02 (today, local time) or ISO-8601; default now"

EVERYDAY_FLOW = """\
the everyday flow, in order:
  1. declare     irtui declare "Checkout 500s" --sev 1 --service checkout --ic alice
  2. log         irtui log INC-1 "rolled back v42" --kind action --star
  3. update      irtui update INC-1 "Investigating elevated errors" --audience statuspage
  4. resolve     irtui status INC-1 resolved --note "error rate back to normal"
  5. postmortem  irtui postmortem INC-1 --out INC-1-postmortem.md

in between: irtui ack INC-1 · irtui role INC-1 tech bob · irtui show INC-1 · irtui list
the war room: irtui (the TUI on your store) · irtui demo (a throwaway one to try it)
more: irtui help COMMAND · irtui COMMAND --help · irtui completion bash|zsh|fish
"""
"""Shown by `irtui --help` (after the command list) and by `irtui help`."""


def examples(*lines: str) -> dict[str, Any]:
    """Keyword arguments for `add_parser`: an `examples:` epilog, kept as written."""
    body = "\n".join(f"  {line}" for line in lines)
    return {"epilog": f"examples:\n{body}", "formatter_class": argparse.RawDescriptionHelpFormatter}
