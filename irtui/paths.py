"""Every filesystem location irtui uses, in one place.

Bundled assets (`styles/`, `runbooks/`) live at the project root in a checkout and are
force-included under `irtui/_bundled/` in a wheel; resolving them here means nothing else
has to know which of the two it is running from.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

APP_NAME = "irtui"
_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    installed = _PACKAGE_DIR / "_bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name


def styles_dir() -> Path:
    """TCSS files (checkout: ./styles, wheel: irtui/_bundled/styles)."""
    return _bundled("styles")


def bundled_runbooks_dir() -> Path:
    """The starter runbook library shipped with irtui."""
    return _bundled("runbooks")


def default_policy_file() -> Path:
    """The bundled severity policy (the industry matrix)."""
    return _PACKAGE_DIR / "data" / "policy.yaml"


def data_dir() -> Path:
    """Per-user data directory (platformdirs), created on demand by callers that write."""
    override = os.environ.get("IRTUI_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """Per-user config directory: policy.yaml, statuspage.yaml, config.yaml live here."""
    override = os.environ.get("IRTUI_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Per-user cache directory: the runbook search index lives here."""
    override = os.environ.get("IRTUI_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def state_dir() -> Path:
    """Per-user state directory: crash logs live here (`IRTUI_STATE_DIR` overrides)."""
    override = os.environ.get("IRTUI_STATE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_state_path

    return user_state_path(APP_NAME, appauthor=False)


def private_dir(path: Path) -> Path:
    """`path` created if missing and made 0700: what irtui writes there may hold incident
    text (a crash log's traceback, unsaved lines)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def default_db_path() -> Path:
    return data_dir() / "irtui.db"


def user_policy_file() -> Path:
    return config_dir() / "policy.yaml"


def write_private(path: str | os.PathLike[str], text: str) -> None:
    """Write a file only its owner can read (0600), also when it existed wider before:
    postmortem drafts, exports and logs hold incident data. A regular file (or a missing one)
    is replaced atomically — never half-written; a symlink is followed to its file. A device
    or pipe (`--out /dev/stdout`) is written in place and its mode left alone."""
    import stat
    import tempfile

    target = Path(os.path.realpath(path))
    with contextlib.suppress(FileNotFoundError):
        mode = target.stat().st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "is a directory", str(path))
        if not stat.S_ISREG(mode):
            # Non-blocking open: a FIFO nobody reads fails at once (ENXIO) instead of hanging.
            fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
            os.set_blocking(fd, True)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            return
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)  # mkstemp made it 0600
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
