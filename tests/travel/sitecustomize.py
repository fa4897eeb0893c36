"""Loaded by every Python child process a test starts while the suite runs at another date
(`IRTUI_TEST_TRAVEL`, see tests/conftest.py): it moves the child's clock by the same shift as
the test process, so the whole run — parent and children — lives at that date."""

import os

_shift = os.environ.get("IRTUI_TEST_TRAVEL_SHIFT")
if _shift:
    from datetime import UTC, datetime, timedelta

    import time_machine

    time_machine.travel(datetime.now(UTC) + timedelta(seconds=float(_shift))).start()
