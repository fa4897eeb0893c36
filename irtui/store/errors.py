"""Store errors that reach the user as a clear one-line message (exit code 2 or 1)."""


class StoreError(RuntimeError):
    """The store cannot be used as asked; the message says why and what to do."""


class NotAStoreError(StoreError):
    """The file or database exists but is not an irtui store: it is never touched."""


class CorruptStoreError(StoreError):
    """SQLite reports the file as damaged: it is never overwritten."""


class NewerStoreError(StoreError):
    """The store was written by a newer irtui whose schema this version does not know."""


class NotFound(LookupError):
    """No such incident or event."""
