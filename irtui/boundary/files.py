"""Reading a file a person pointed irtui at (`--from`, an import, a policy): bounded, and
every way it can go wrong said with the file's name — never a hang, never a traceback.

Why a helper: `Path.read_text()` blocks forever on a FIFO, reads a 10 GB file whole, and
raises a bare `UnicodeDecodeError` for a byte that is not UTF-8. Here the file must be a
regular file of at most `max_bytes`, and invalid UTF-8 is refused with its line number.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from irtui.boundary.errors import BoundaryError

MAX_BYTES = 50_000_000


class FileRefused(BoundaryError):
    """A file that cannot be read as text: `path[:line]: why`."""


def read_text_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> str:
    """The UTF-8 text of `path` (a BOM is dropped); FileRefused naming the file otherwise."""
    p = Path(path)
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise FileRefused(f"{p}: is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block, a device never end
            raise FileRefused(f"{p}: not a regular file")
        if st.st_size > max_bytes:
            raise FileRefused(f"{p}: {st.st_size:,} bytes; the limit is {max_bytes:,}")
        data = p.read_bytes()
    except FileRefused:
        raise
    except ValueError as exc:  # a NUL in the name
        raise FileRefused(f"{str(p)!r}: not a usable file name ({exc})") from None
    except OSError as exc:
        raise FileRefused(f"{p}: cannot read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(f"{p}:{line}: not UTF-8 text (byte {data[exc.start]:#04x})") from None
