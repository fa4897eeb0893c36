"""Status-page sync: publishing customer-facing updates through a durable outbox.

`config` (statuspage.yaml + env + token), `messages` (what customers will see, built from the
incident), `provider` (the interface), `statuspage` (Atlassian Statuspage v1 over httpx),
`outbox` (claim / deliver / record one message), `background` (the TUI's worker).
Nothing here imports Textual; httpx is imported only by the provider that needs it.
"""
