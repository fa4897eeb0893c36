"""The runbook library: loading, linting, indexing and searching Markdown runbooks.

Deliberately free of Textual and SQLAlchemy imports (stdlib `sqlite3` backs the index), so the
CLI (`irtui runbooks ...`) starts fast and the core can be tested without a terminal. A test
imports these modules in a subprocess and asserts `textual` never gets loaded.

Modules, from the bottom up:

- `model`: plain data (Runbook, Heading, Step, Link, Problem, RunbookSummary, SearchHit).
- `frontmatter`, `mdscan`, `checklist`, `links`: parse one file (header, headings, steps,
  links) without a full Markdown parser; `loader` walks folders and never fails on a file.
- `dirs`: which folders (`--runbooks`, `$IRTUI_RUNBOOKS`, `config.yaml`, bundled).
- `index`: the SQLite FTS5 cache and ranked search; `library`: the facade the CLI and TUI use.
- `lint`: `irtui runbooks check`; `suggest`: runbooks for an incident; `progress`: pinning and
  ticking steps as incident events.
- `render` and `doc`: text prepared for display (placeholders kept, HTML tamed) and parsed
  into display blocks for the viewer.
"""
