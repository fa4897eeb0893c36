"""Persistence: the only package that knows about SQL.

- `tables.py`   SQLModel table classes: the schema's single source of truth (migrations and a
                parity test are checked against them).
- `migrations/` alembic revisions; `schema.py` runs them only when a store is behind.
- `db.py`       the engine adapter: the one place with SQLite- or PostgreSQL-specific SQL.
- `repo.py`     `Store`: commands in, domain objects out; every write is one transaction that
                appends events and updates the incident projection together.

Why the runtime path speaks DB-API (sqlite3 / psycopg) instead of a SQLModel session:
importing SQLModel costs ~0.45 s on the target machines, more than the whole 200 ms budget of
`irtui log`. SQLAlchemy/alembic are imported only to create or migrate a store.
"""

from irtui.store.errors import NotFound, StoreError

__all__ = ["NotFound", "StoreError"]
