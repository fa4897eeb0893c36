"""History import: past incidents from other systems become backfilled irtui incidents.

Each importer parses its format into `backfill.BackfillIncident`s (plain data, no store), and
`backfill.import_incidents` writes them through the domain's own commands, so an imported
incident obeys exactly the rules of a live one (milestone order, no future times).

- `statuspage`, `github_statuses`: status-page history (JSON, JSON lines);
- `postmortems/`: Markdown postmortem documents (timeline shapes, zones, sections, actions);
- `source`: reading untrusted records (typed fields, time ranges, text through the boundary);
- `htmltext`, `bodylines`, `zones`: HTML to text, timelines inside bodies, written zones;
- `config`: which components become services (`import.yaml`).
Data-quality flags live in `irtui/domain/quality.py` (the report and the TUI read them).
"""
