"""History import: past incidents from other systems become backfilled irtui incidents.

Each importer parses its format into `backfill.BackfillIncident`s (plain data, no store), and
`backfill.import_incidents` writes them through the domain's own commands, so an imported
incident obeys exactly the rules of a live one (milestone order, no future times).
"""
