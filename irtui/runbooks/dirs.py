"""Where runbooks come from: `--runbooks DIR`, `$IRTUI_RUNBOOKS`, config, and the bundled set.

Order matters: when two folders hold a runbook with the same id, the earlier folder keeps the
plain id (see `loader.assign_ids`). A team's own folders therefore come first and the bundled
starter library last, so a team can shadow `disk-full` with its own version.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

ENV_VAR = "IRTUI_RUNBOOKS"


class RunbookDirsError(ValueError):
    """A configured runbook folder is unusable (reported, with where it was configured)."""


def _expand(raw: str, base: Path | None = None) -> Path:
    path = Path(os.path.expandvars(os.path.expanduser(raw.strip())))
    if not path.is_absolute() and base is not None:
        path = base / path
    return path


def config_file_dirs(config_file: Path) -> list[Path]:
    """The `runbooks:` list of `config.yaml` (a list, or a single string); relative to the file.

    A config file that does not parse is an error the user must see, not a silent fallback.
    """
    if not config_file.is_file():
        return []
    from irtui.boundary.errors import YamlError
    from irtui.boundary.yaml_load import load_yaml_file

    try:  # the one YAML reader: an alias bomb fails in microseconds, with file:line
        data: Any = load_yaml_file(config_file) or {}
    except YamlError as exc:
        raise RunbookDirsError(f"cannot read config: {exc}") from exc
    if not isinstance(data, dict):
        return []
    value = data.get("runbooks")
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise RunbookDirsError(f"{config_file}: `runbooks:` must be a list of folders")
    return [_expand(str(item), config_file.parent) for item in value if str(item).strip()]


def env_dirs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """`$IRTUI_RUNBOOKS`, split on `os.pathsep` like `$PATH`."""
    raw = (environ if environ is not None else os.environ).get(ENV_VAR, "")
    return [_expand(part) for part in raw.split(os.pathsep) if part.strip()]


def resolve_dirs(
    cli_dirs: Iterable[str | Path] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
    include_bundled: bool = True,
) -> list[Path]:
    """Every runbook folder in priority order, duplicates removed.

    Folders named on the command line must exist (a typo should not quietly search nothing);
    folders from the environment or config that are missing are skipped, since those are often
    shared between machines.
    """
    from irtui import paths

    ordered: list[Path] = []
    for raw in cli_dirs or ():
        path = _expand(str(raw))
        if not path.exists():
            raise RunbookDirsError(f"--runbooks {raw}: no such file or folder")
        ordered.append(path)
    ordered.extend(env_dirs(environ))
    if config_file is None:
        config_file = paths.config_dir() / "config.yaml"
    ordered.extend(config_file_dirs(config_file))
    if include_bundled:
        ordered.append(paths.bundled_runbooks_dir())
    seen: set[Path] = set()
    result: list[Path] = []
    for path in ordered:
        key = path.resolve()
        if key in seen or not path.exists():
            continue
        seen.add(key)
        result.append(path)
    return result
