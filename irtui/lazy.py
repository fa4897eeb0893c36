"""A module imported, or a regular expression compiled, when it is first used.

The board's first paint imports the store, which needs the lifecycle rules (and through them
the severity policy's YAML schema, the resolution terms, the hand-off rules: ~3.5 ms of
dataclasses and regular expressions) only once something is *changed*; reading the open
incidents does not. `lazy_module` is the standard library's own recipe
(`importlib.util.LazyLoader`): the module object exists at once and runs its code on the
first attribute read, so call sites stay `lifecycle.cmd_ack(...)`.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from types import ModuleType
from typing import Any, cast


def lazy_module(name: str) -> ModuleType:
    """`name`, imported already or to be imported on first use."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


class LazyPattern:
    """A regular expression compiled on its first use, used like the `re.Pattern` it stands
    for (`.search`, `.sub`, ...). The text boundary's patterns are module constants that a
    start-up mostly never uses (they clean what is typed or imported, and what goes out of
    the CLI); a dozen of them were ~2 ms of compiling before the board's first frame. Each
    method is looked up once, then kept on the instance: later calls cost what a plain
    pattern's do."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str) -> Any:
        value = getattr(re.compile(self.pattern, self.flags), name)
        setattr(self, name, value)
        return value


def lazy_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, done when the pattern is first used."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))
