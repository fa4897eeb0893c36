"""Editable incident details (title, impact as a sentence or as who/how many/regions,
services) and named links, as events on both engines, through the store and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from irtui.domain.links import is_web_url, normalise_name
from irtui.domain.model import DomainError
from irtui.store.repo import Store
from tests.cli_runner import Cli


def test_details_change_as_events_and_replay(any_store: Store) -> None:
    store = any_store
    inc = store.declare("Checkout 502s", 1, services=["checkout"], impact="EU only")
    inc = store.change_details(
        inc.id,
        parts={"who": "customers paying by card", "how_many": "~70%", "regions": "eu-west"},
    )
    assert inc.impact == "customers paying by card · ~70% · regions: eu-west"
    assert inc.impact_parts["regions"] == "eu-west"
    inc = store.change_details(inc.id, parts={"regions": "eu-west, eu-central"})
    assert inc.impact_parts["who"] == "customers paying by card"  # the other parts stay
    assert inc.impact.endswith("regions: eu-west, eu-central")
    inc = store.change_details(inc.id, title="Card checkouts failing", services=["checkout", "pay"])
    assert (inc.title, inc.services) == ("Card checkouts failing", ["checkout", "pay"])
    with pytest.raises(DomainError, match="nothing to change"):
        store.change_details(inc.id, title="Card checkouts failing")
    with pytest.raises(DomainError, match="needs a title"):
        store.change_details(inc.id, title="   ")
    texts = [e.text for e in store.timeline(inc.id)]
    assert any(t.startswith("Details changed — impact: customers paying by card") for t in texts)
    assert store.verify_projection(inc.id)


def test_links_set_replace_remove_and_replay(any_store: Store) -> None:
    store = any_store
    inc = store.declare("x", 2)
    inc = store.set_link(inc.id, "Dashboard", "https://grafana.example.com/d/x")
    inc = store.set_link(inc.id, "slack", "#inc-x")  # an alias: the channel
    inc = store.set_link(inc.id, "status page", "https://status.example.com")
    assert inc.links == {
        "dashboard": "https://grafana.example.com/d/x",
        "channel": "#inc-x",
        "status_page": "https://status.example.com",
    }
    inc = store.set_link(inc.id, "dashboard", "https://grafana.example.com/d/y")
    inc = store.set_link(inc.id, "channel", None)
    assert "channel" not in inc.links and inc.links["dashboard"].endswith("/y")
    with pytest.raises(DomainError, match="no ticket link"):
        store.set_link(inc.id, "ticket", None)
    with pytest.raises(DomainError, match="already"):
        store.set_link(inc.id, "dashboard", "https://grafana.example.com/d/y")
    assert store.get(inc.id).links == inc.links
    assert store.verify_projection(inc.id)


@pytest.mark.parametrize(
    "value, web",
    [
        ("https://grafana.example.com/d/checkout?orgId=1", True),
        ("http://10.0.0.7:3000/", True),
        ("#inc-checkout", False),
        ("OPS-1234", False),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("https://", False),
        ("https://a.example/ b", False),
    ],
)
def test_only_http_addresses_are_web_links(value: str, web: bool) -> None:
    assert is_web_url(value) is web


def test_a_link_cannot_carry_its_own_escape_or_a_foreign_scheme(store: Store) -> None:
    inc = store.declare("x", 2)
    hostile = "https://ok.example/\x1b]8;;https://evil.example\x07click\x1b]8;;\x07"
    inc = store.set_link(inc.id, "dashboard", hostile)
    assert "\x1b" not in inc.links["dashboard"] and "\x07" not in inc.links["dashboard"]
    assert store.last_notices  # what was taken out is said
    for bad in ("javascript://x", "ftp://files.example/a", "https://a.example/ b"):
        with pytest.raises(DomainError, match="not a web address"):
            store.set_link(inc.id, "bridge", bad)
    with pytest.raises(DomainError, match="link name"):
        normalise_name("[red]x")


def test_details_and_link_cli(db_path: Path, clock) -> None:
    cli = Cli(db_path, clock)
    cli.ok("declare", "Checkout 502s", "--sev", "1", "--service", "checkout")
    out = cli.ok(
        "details", "1", "--who", "card customers", "--how-many", "~70%", "--regions", "eu-west"
    )
    assert "card customers · ~70% · regions: eu-west" in out
    cli.ok("details", "1", "--add-service", "payments-db", "--remove-service", "checkout")
    data = json.loads(cli.ok("details", "1", "--json"))
    assert data["services"] == ["payments-db"] and data["impact_parts"]["how_many"] == "~70%"
    code, _, err = cli("details", "1", "--remove-service", "nope")
    assert code == 2 and "not among" in err
    cli.ok("link", "1", "dashboard", "https://grafana.example.com/d/checkout")
    cli.ok("link", "1", "bridge", "https://meet.example.com/inc-1")
    assert cli.ok("link", "1", "dashboard").strip() == "https://grafana.example.com/d/checkout"
    listed = json.loads(cli.ok("link", "1", "--json"))
    assert [(item["name"], item["web"]) for item in listed] == [
        ("dashboard", True),
        ("bridge", True),
    ]
    assert "links:    dashboard https://grafana.example.com/d/checkout" in cli.ok("show", "1")
    code, _, err = cli("link", "1", "ticket")
    assert code == 2 and "has no ticket link" in err
    cli.ok("link", "1", "bridge", "--remove")
    assert "bridge" not in cli.ok("link", "1")
    before = cli.ok("show", "1", "--json")
    code, _, err = cli("link", "1", "bridge", "javascript://x")
    assert code == 2 and "not a web address" in err and "Traceback" not in err
    assert cli.ok("show", "1", "--json") == before
