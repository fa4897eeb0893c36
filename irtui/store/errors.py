"""Store errors that reach the user as a clear one-line message.

Each class carries its exit code: 2 when the person can fix it by pointing `--db` elsewhere or
fixing what they pointed at (not a store, damaged, newer, a missing directory, a read-only
place), 1 for trouble of the machine itself (disk full, I/O errors, a server that is down).
"""


class StoreError(RuntimeError):
    """The store cannot be used as asked; the message says why and what to do."""

    exit_code = 1


class StoreLocationError(StoreError):
    """`--db` names a place irtui will not or cannot use as a store (a missing directory, a
    device, a URL it does not speak). Nothing was created."""

    exit_code = 2


class NotAStoreError(StoreError):
    """The file or database exists but is not an irtui store: it is never touched."""

    exit_code = 2


class CorruptStoreError(StoreError):
    """The file is damaged (truncated, failed integrity check): it is never written to."""

    exit_code = 2


class NewerStoreError(StoreError):
    """The store was written by a newer irtui whose schema this version does not know."""

    exit_code = 2


class StoreUnwritableError(StoreError):
    """The file or its directory cannot be written (permissions, a read-only filesystem)."""

    exit_code = 2


class StoreIOError(StoreError):
    """The disk is full or failing: nothing was saved; the message says which."""

    exit_code = 1


class NotFound(LookupError):
    """No such incident or event."""
