"""irtui/sync never imports Textual; the CLI plug-in imports httpx only when it delivers."""

from __future__ import annotations

import subprocess
import sys


def test_sync_core_is_free_of_textual_and_cli_import_is_light() -> None:
    code = (
        "import sys\n"
        "import irtui.cli.sync_cmd, irtui.sync.publish, irtui.sync.background\n"
        "assert 'httpx' not in sys.modules, 'httpx imported too early'\n"
        "import irtui.sync.statuspage, irtui.sync.outbox\n"
        "assert 'textual' not in sys.modules, 'textual imported by irtui.sync'\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
