"""Catalog links offered to an incident: named per service, never replacing a link set by hand."""

from __future__ import annotations

from datetime import UTC, datetime

from irtui.catalog.links import inherited_links, link_name
from irtui.catalog.model import Catalog, Link, Service
from irtui.domain.links import cmd_adopt_links
from irtui.domain.model import Incident, IncidentKind, Status

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _catalog() -> Catalog:
    return Catalog(
        services={
            "checkout": Service(
                "checkout",
                links=(
                    Link("https://grafana.example.com/d/co", "Dashboard"),
                    Link("https://wiki.example.com/co", "Run book"),
                ),
            ),
            "ledger": Service(
                "ledger", links=(Link("https://grafana.example.com/d/l", "Dashboard"),)
            ),
        }
    )


def test_one_service_keeps_the_catalog_titles_as_names() -> None:
    assert inherited_links(_catalog(), ["checkout", "unknown"]) == [
        ("dashboard", "https://grafana.example.com/d/co"),
        ("run_book", "https://wiki.example.com/co"),
    ]


def test_several_services_get_one_link_each_named_by_service() -> None:
    names = [name for name, _ in inherited_links(_catalog(), ["checkout", "ledger"])]
    assert names == ["checkout-dashboard", "checkout-run_book", "ledger-dashboard"]
    assert link_name("", "x", several=False) == "link"


def test_adopting_never_replaces_a_link_set_by_hand_and_skips_invalid_ones() -> None:
    incident = Incident("INC-1", 1, "t", 1, Status.INVESTIGATING, IncidentKind.REAL, NOW, "ic")
    incident.links = {"dashboard": "https://mine.example.com"}
    events = cmd_adopt_links(
        incident,
        [
            ("dashboard", "https://catalog.example.com"),
            ("runbook", "https://wiki.example.com/r"),
            ("alerts", "javascript://evil"),
            ("runbook", "https://second.example.com"),
        ],
        now=NOW,
        author="ic",
    )
    assert [(e.payload["name"], e.payload["url"]) for e in events] == [
        ("runbook", "https://wiki.example.com/r")
    ]
