"""What customers will see: status, impact and component mapping, and the preview."""

from __future__ import annotations

from typing import Any

import pytest

from irtui.sync.config import SyncConfig
from irtui.sync.messages import build_message, page_status, preview


def test_payload_from_severity_and_services(incident: Any, cfg: SyncConfig) -> None:
    p = build_message(incident, "  We are investigating.  ", cfg)
    assert p == {
        "incident_id": incident.id,
        "name": "Checkout errors in EU",
        "status": "investigating",
        "impact": "major",
        "body": "We are investigating.",
        "components": {"cmpcheckout1": "partial_outage", "cmpapi000001": "partial_outage"},
        "notify": True,
    }


def test_resolving_sends_components_back_to_operational(incident: Any, cfg: SyncConfig) -> None:
    p = build_message(incident, "Fixed.", cfg, status="resolved", notify=False)
    assert p["status"] == "resolved" and p["notify"] is False
    assert set(p["components"].values()) == {"operational"}
    assert build_message(incident, "x", cfg, status="monitoring")["components"] == {
        "cmpcheckout1": "degraded_performance",
        "cmpapi000001": "degraded_performance",
    }


def test_status_vocabularies(incident: Any) -> None:
    assert page_status("mitigating", incident) == "identified"
    assert page_status("closed", incident) == "resolved"
    assert page_status(None, incident) == "investigating"
    with pytest.raises(ValueError, match="status must be one of"):
        page_status("on fire", incident)


def test_rejects_what_the_api_would(incident: Any, cfg: SyncConfig) -> None:
    with pytest.raises(ValueError, match="needs text"):
        build_message(incident, "   ", cfg)
    with pytest.raises(ValueError, match="25000"):
        build_message(incident, "x" * 25_001, cfg)
    with pytest.raises(ValueError, match="impact"):
        build_message(incident, "x", cfg, impact="apocalyptic")


def test_preview_lines_show_everything_customers_see(incident: Any, cfg: SyncConfig) -> None:
    p = build_message(incident, "Body [/foo] text", cfg, impact="critical")
    lines = preview(incident, p, cfg, creates=True).lines()
    text = "\n".join(lines)
    assert "creates a NEW status-page incident" in text
    assert "Title:   Checkout errors in EU" in text
    assert "Impact:  critical" in text
    assert "checkout (cmpcheckout1) -> partial_outage" in text
    assert "Not on the status page: internal" in text
    assert lines[-1] == "Body [/foo] text"
