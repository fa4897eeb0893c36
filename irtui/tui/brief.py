"""The hand-off brief and the open tasks: pure domain code (`irtui.domain.brief`), named here
for the screens that import it."""

from irtui.domain.brief import (
    OpenTask,
    build_brief,
    done_task_ids,
    known_and_ruled_out,
    last_done_by,
    open_tasks,
    update_digest,
)

__all__ = [
    "OpenTask",
    "build_brief",
    "done_task_ids",
    "known_and_ruled_out",
    "last_done_by",
    "open_tasks",
    "update_digest",
]
