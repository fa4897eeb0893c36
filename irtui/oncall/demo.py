"""On-call for `irtui demo` and the screenshots: a small catalog written next to the throwaway
store (rotations anchored to the demo's clock, so someone is always on call) and two pages on
the demo's SEV1 — one answered, one waiting past its deadline, so the on-call panel shows the
red "no answer -> escalate to ..." line the IC is meant to act on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

CATALOG = """\
# irtui demo catalog (written by `irtui demo`; see docs/oncall.md for a real one)
people:
  alice: {{name: Alice Wong}}
  bob: {{name: Bob Stone, email: bob@example.com}}
  carol: {{name: Carol Diaz}}
  dana: {{name: Dana Lee}}
  erin: {{name: Erin Ortiz, email: erin@example.com}}
  frank: {{name: Frank Moreau}}
  gita: {{name: Gita Rao}}
teams:
  payments:
    name: Payments
    members: [erin, bob, carol]
    manager: dana
    chat: "#payments"
    oncall: {{primary: payments-primary, secondary: payments-secondary}}
  dba:
    name: Databases
    members: [frank, gita]
    oncall: {{primary: dba-rota}}
services:
  checkout:
    owner: payments
    tier: 1
    depends_on: [payments-api]
    links: [{{title: Dashboard, url: "https://grafana.example.com/d/checkout"}}]
  payments-api: {{owner: payments, tier: 1, depends_on: [payments-db]}}
  payments-db: {{owner: dba, tier: 1, escalation: dba}}
  api-gateway: {{owner: payments, tier: 1, depends_on: [checkout]}}
  search: {{owner: payments, tier: 3}}
escalation_policies:
  dba:
    levels:
      - {{oncall: primary, team: dba, timeout: 5m}}
      - {{person: dana, timeout: 10m}}
schedules:
  payments-primary:
    time_zone: Europe/Berlin
    rotation: {{people: [erin, bob], every: week, handover: "monday 09:00", start: {start}}}
  payments-secondary:
    time_zone: Europe/Berlin
    rotation: {{people: [bob, erin], every: week, handover: "monday 09:00", start: {start}}}
  dba-rota:
    time_zone: Europe/Berlin
    rotation: {{people: [gita, frank], every: week, handover: "monday 09:00", start: {start}}}
"""


def write_catalog(folder: Path, now: datetime, *, name: str = "catalog.yaml") -> Path:
    """Write the demo catalog into `folder`; rotations start three Mondays before `now`."""
    local = now.astimezone(ZoneInfo("Europe/Berlin")).date()
    start = local - timedelta(days=local.weekday() + 14)
    path = folder / name
    path.write_text(CATALOG.format(start=start.isoformat()), encoding="utf-8")
    return path


@contextmanager
def _at(store: Any, when: datetime, author: str) -> Iterator[None]:
    clock, who = store.clock, store.author
    store.clock, store.author = (lambda: when), author
    try:
        yield
    finally:
        store.clock, store.author = clock, who


def seed_pages(store: Any, incident_id: str, catalog_path: Path) -> None:
    """The SEV1's payments on-call paged 18 min ago and answered; the DBA paged 6 min ago
    with a 5-minute window and no answer yet."""
    from irtui.catalog.load import load_catalog
    from irtui.oncall.resolve import OnCall
    from irtui.oncall.targets import resolve_who
    from irtui.sync import paging
    from irtui.sync.pagerduty_keys import RoutingKeys

    keys = RoutingKeys(env={}, use_keyring=False)
    oncall = OnCall(load_catalog([str(catalog_path)]))
    now = store.now()
    first_at = now - timedelta(minutes=18)
    with _at(store, first_at, "carol"):
        first = resolve_who(oncall, "checkout", first_at)
        rec = paging.page(store, incident_id, first.target, reason="checkout 5xx at 68%", keys=keys)
    with _at(store, now - timedelta(minutes=16), rec.page.person):
        paging.acknowledge(store, incident_id, rec.page.number, "on it, joining the bridge")
    dba_at = now - timedelta(minutes=6)
    with _at(store, dba_at, "bob"):
        dba = resolve_who(oncall, "payments-db", dba_at)
        paging.page(store, incident_id, dba.target, reason="connection pool saturated?", keys=keys)
