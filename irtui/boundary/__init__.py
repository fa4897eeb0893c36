"""Where text enters irtui and where it leaves it: one place per direction, so each class of
hostile input is handled once, not per widget or per printer.

- `text_in`: what a person types, pastes or imports, before it becomes an event (controls,
  terminal escape sequences, bidi overrides, lengths).
- `text_out`: what goes to a terminal (CLI printers, TUI widgets), to JSON, and to customers.
- `yaml_load`: the one YAML reader for every file irtui reads (policy, config, catalog,
  scenarios, runbook front matter): no aliases, bounded size and depth, `file:line` errors.

Pure: standard library and PyYAML only (no Textual, no SQL), so every layer may import it.
"""
