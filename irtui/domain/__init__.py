"""The pure domain: incidents, severity policy, lifecycle rules, clocks, metrics, templates.

Nothing in this package imports Textual, SQLModel/SQLAlchemy or any I/O library: every rule
here is a plain function of its inputs (and an injected `now`), so it can be property-tested
and reused by the CLI, the TUI, the store and the sync worker alike.
"""
