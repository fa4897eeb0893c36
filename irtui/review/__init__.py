"""After the incident: postmortem drafts, blameless check, action items, reports, learning log.

Nothing here imports Textual; the TUI screen (`irtui.tui.screens.postmortem`) and the CLI
(`irtui.cli.review_cmd`) are thin shells over these modules.
"""
