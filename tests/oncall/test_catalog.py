"""The service catalog: catalog.yaml, Backstage files, the dependency graph, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from irtui.catalog.graph import blast_radius, dependency_tree, find_cycles
from irtui.catalog.load import load_catalog
from irtui.catalog.model import Catalog, CatalogError
from tests.oncall.conftest import BACKSTAGE, CATALOG

INTEGRATION_KEY = "0123456789abcdef0123456789abcdef"


def test_the_worked_catalog_is_clean_and_lookups_forgive_spelling(catalog: Catalog) -> None:
    assert catalog.problems == []
    assert set(catalog.services) >= {"payments-db", "checkout", "api-gateway", "storage"}
    for spelling in ("erin", "ERIN", "Erin Ortiz", "erin@example.com", "mailto:erin@example.com"):
        assert catalog.person(spelling).key == "erin", spelling  # type: ignore[union-attr]
    assert catalog.person("eortiz").key == "erin"  # type: ignore[union-attr]
    db = catalog.service("Payments-DB")
    assert db is not None and db.owner == "payments" and db.tier == 1
    assert db.runbooks == ("database-failover", "alert:PaymentsDBReplicaLag")
    assert [link.title for link in db.links] == ["Dashboard", "Runbook"]
    assert catalog.policies["payments"].levels[0].timeout_s == 300


def test_blast_radius_is_everything_that_depends_on_it_nearest_first(catalog: Catalog) -> None:
    radius = blast_radius(catalog, ["payments-db"])
    assert [(a.service, a.depth, a.via) for a in radius] == [
        ("payments-api", 1, "payments-db"),
        ("checkout", 2, "payments-api"),
        ("api-gateway", 3, "checkout"),
    ]
    assert [a.service for a in blast_radius(catalog, ["storage"])] == [
        "api-gateway",
        "db-cluster",
        "payments-db",
        "payments-api",
        "checkout",
    ]
    assert blast_radius(catalog, ["api-gateway"]) == []


def _write(tmp_path: Path, text: str, name: str = "catalog.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_cycle_is_reported_and_every_traversal_terminates(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "services:\n"
        "  a: {depends_on: [b]}\n"
        "  b: {depends_on: [c]}\n"
        "  c: {depends_on: [a, d]}\n"
        "  d: {depends_on: [d]}\n"
        "  e: {depends_on: [a]}\n",
    )
    catalog = load_catalog([str(path)])
    assert find_cycles(catalog) == [["a", "b", "c"], ["d"]]
    cycles = [p for p in catalog.errors if "cycle" in p.message]
    assert [p.message for p in cycles] == [
        "dependency cycle: a -> b -> c -> a",
        "dependency cycle: d -> d",
    ]
    assert cycles[0].where == f"{path}:2"
    assert {a.service for a in blast_radius(catalog, ["a"])} == {"b", "c", "e"}
    tree = dependency_tree(catalog, "a")
    assert ("cycle" in [mark for _, _, mark in tree]) and len(tree) < 10


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("services: [a, b]\n", 1, "`services:` must be a mapping"),
        ("services:\n  a:\n    owner: x\n    tier: high\n", 4, "`tier:` is a number"),
        ("services:\n  a:\n    ownr: x\n", 3, "unknown key 'ownr'"),
        ("teams:\n  t: {oncall: {primary: [x]}}\n", 2, "maps a role"),
        ("services:\n  a: {owner: x}\n  a: {owner: y}\n", 3, "duplicate key 'a'"),
        ("services:\n  a: {owner: [x\n", 3, "invalid YAML"),  # where the parser noticed
        ("escalation_policies:\n  p:\n    levels:\n      - {timeout: 5m}\n", 4, "exactly one of"),
        (
            "escalation_policies:\n  p:\n    levels:\n      - {person: a, timeout: soon}\n",
            4,
            "`timeout`",
        ),
        (
            "schedules:\n  s:\n    rotation: {people: [a], start: 2026-01-07, "
            'handover: "monday 09:00"}\n',
            3,
            "is a Wednesday",
        ),
        (
            "schedules:\n  s:\n    time_zone: Mars/Olympus\n    ical: x.ics\n",
            3,
            "unknown time zone",
        ),
        ("schedules:\n  s: {}\n", 2, "has no layers"),
        ("x: &a [1]\ny: *a\n", 1, "anchors and aliases"),
    ],
)
def test_malformed_catalogs_name_the_file_and_line(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CatalogError) as exc:
        load_catalog([str(path)])
    assert str(exc.value).startswith(f"{path}:{line}: "), str(exc.value)
    assert fragment in str(exc.value)


def test_references_to_nothing_are_problems_with_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "people:\n  dana: {}\n"
        "teams:\n  t: {members: [zed], oncall: {primary: nope}}\n"
        "services:\n  a: {owner: ghosts, depends_on: [b], escalation: p}\n  b: {}\n",
    )
    catalog = load_catalog([str(path)])
    text = [str(p) for p in catalog.problems]
    assert f"{path}:6: error: a: owner 'ghosts' is not a team or person in the catalog" in text
    assert f"{path}:6: error: a: escalation policy 'p' is not defined" in text
    assert f"{path}:4: error: t: on-call primary: schedule 'nope' is not defined" in text
    assert f"{path}:4: warning: t: member 'zed' is not a person in the catalog" in text
    assert f"{path}:7: warning: b: has no owner" in text


def test_backstage_location_components_groups_users(catalog: Catalog) -> None:
    portal = load_catalog([str(BACKSTAGE / "catalog-info.yaml")])
    ledger = portal.service("ledger")
    assert ledger is not None and ledger.owner == "ledger-team" and ledger.system == "money"
    assert ledger.depends_on == ("ledger-db", "payments-api")
    assert [link.title for link in ledger.links] == ["Dashboard", "Alerts", "Runbook"]
    assert ledger.annotations == {"pagerduty.com/service-id": "PLEDGR1"}  # unknown ones dropped
    assert ledger.integration_key_file and ledger.integration_key_file.endswith("components.yaml")
    assert INTEGRATION_KEY not in repr(portal), "the routing key is never copied"
    assert portal.service("ledger-db").kind == "database"  # type: ignore[union-attr]
    team = portal.team("ledger-team")
    assert team is not None and team.display == "Ledger Team"
    assert set(team.members) == {"hana", "guest", "development/guest"}
    assert portal.person("hana@example.com").display == "Hana Kim"  # type: ignore[union-attr]
    assert "money" in {s["name"] for s in portal.systems.values()}
    messages = [(p.level, p.entity, p.message) for p in portal.problems]
    assert ("warning", "component:orphan-job", "has no owner") in messages
    assert any("not-there.yaml does not exist" in m for _, _, m in messages)
    assert any("is a URL" in m and "offline" in m for _, _, m in messages)
    assert any("gone-db" in m for _, _, m in messages)
    assert any(level == "error" and "loop-a -> loop-b -> loop-a" in m for level, _, m in messages)


def test_backstage_alongside_catalog_yaml_resolves_references_across_both() -> None:
    both = load_catalog([str(CATALOG), str(BACKSTAGE)])
    assert both.service("ledger").depends_on == ("ledger-db", "payments-api")  # type: ignore[union-attr]
    assert not any("payments-api" in p.message for p in both.problems)
    assert [a.service for a in blast_radius(both, ["payments-api"])][:1] == ["checkout"]
    assert "ledger" in {a.service for a in blast_radius(both, ["payments-api"])}


def test_the_integration_key_is_read_from_the_file_only_when_asked() -> None:
    from irtui.catalog.backstage import integration_key
    from irtui.sync.pagerduty_keys import RoutingKeys, catalog_lookup

    portal = load_catalog([str(BACKSTAGE)])
    path = portal.service("ledger").integration_key_file  # type: ignore[union-attr]
    assert integration_key(path, "ledger") == INTEGRATION_KEY  # type: ignore[arg-type]
    keys = RoutingKeys(env={}, backstage=catalog_lookup(portal), use_keyring=False)
    assert keys.key_for("ledger") == INTEGRATION_KEY
    assert keys.key_for("ledger-db") is None


def test_a_missing_catalog_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="catalog file not found"):
        load_catalog([str(tmp_path / "nope.yaml")])
    assert load_catalog(None).empty  # nothing configured: an empty catalog, not an error
