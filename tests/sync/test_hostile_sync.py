"""The status-page sync under hostile input (issue 13, items 3, 9 and 12): a server echoing the
token, error bodies with terminal escapes, incident text with controls going to the public
page, and a `statuspage.yaml` that would send the token somewhere else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from irtui.boundary.secrets import redact_dsn, redact_secret, shorten
from irtui.store.outbox_repo import OutboxRepo
from irtui.store.repo import Store
from irtui.sync.config import SyncConfig, SyncConfigError, load_config
from irtui.sync.outbox import Deliverer
from irtui.sync.publish import publish
from irtui.sync.statuspage import StatuspageV1
from tests.sync.conftest import TOKEN

ESCAPES = ("\x1b", "\x07", "\x9b", "\u202e", "\x08")


def answering(status: int, body: Any) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, json=body))


def deliver_once(store: Store, cfg: SyncConfig, transport: httpx.MockTransport) -> Any:
    provider = StatuspageV1(cfg, TOKEN, transport=transport, sleep=lambda s: None, attempts=1)
    (report,) = Deliverer(OutboxRepo(store.db), provider, store.now).deliver_due()
    return report


@pytest.mark.parametrize(
    "echo",
    [
        TOKEN,  # verbatim
        TOKEN.upper(),  # an upper-cased echo
        TOKEN[:12],  # only its first half
        "x" * 190 + TOKEN,  # past the 200 characters kept: cut *after* redaction
        f"bad token '{TOKEN[4:]}…'",  # its end
    ],
    ids=["verbatim", "upper", "prefix", "at-the-cut", "suffix"],
)
def test_no_part_of_the_token_is_stored_or_shown(
    store: Store, incident: Any, cfg: SyncConfig, echo: str
) -> None:
    publish(store, incident.id, "Investigating.", cfg)
    report = deliver_once(store, cfg, answering(401, {"error": f"invalid key {echo}"}))
    (msg,) = OutboxRepo(store.db).messages()
    for text in (report.error, msg.last_error):
        assert text and ("***" in text or text.count("…"))  # hidden, or hidden then cut
        lowered = text.lower()
        for i in range(len(TOKEN) - 7):
            assert TOKEN[i : i + 8].lower() not in lowered, text


def test_server_error_text_cannot_drive_the_terminal(
    store: Store, incident: Any, cfg: SyncConfig
) -> None:
    publish(store, incident.id, "Investigating.", cfg)
    hostile = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x9b31m\u202eoops\nsecond line\x08"
    report = deliver_once(store, cfg, answering(422, {"error": hostile}))
    (msg,) = OutboxRepo(store.db).messages()
    for text in (report.error, msg.last_error):
        assert not any(ch in text for ch in ESCAPES) and "\n" not in text
        assert "oops" in text and "␛" in text  # shown, made visible, not obeyed


def test_customers_never_receive_controls(store: Store, cfg: SyncConfig) -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        import json

        if request.method == "POST":
            seen.append(json.loads(request.content)["incident"])
            return httpx.Response(201, json={"id": "remote1"})
        return httpx.Response(200, json=[])

    # An older store may hold titles with escapes in them: bypass the input boundary.
    inc = store.declare("Checkout errors", 2, services=["checkout"])
    store.db.execute(
        "UPDATE incidents SET state = replace(state, 'Checkout errors', :t) WHERE id = :id",
        {"t": "Checkout \\u001b]0;owned\\u0007errors \\u202ein EU", "id": inc.id},
    )
    publish(store, inc.id, "We are \x1b[2J\x07investigating \u202e\x9b31mthe cause.", cfg)
    assert deliver_once(store, cfg, httpx.MockTransport(handler)).state == "sent"
    (sent,) = seen
    for value in (sent["name"], sent["body"]):
        assert not any(ch in value for ch in ESCAPES), repr(value)
    assert sent["name"] == "Checkout errors in EU"
    assert sent["body"] == "We are investigating the cause."


def test_redaction_helpers() -> None:
    assert redact_secret("KEY ABCDEFGHIJKLMNOP end", "abcdefghijklmnop") == "KEY *** end"
    assert redact_secret("partial ABCDEFGHij", "abcdefghijklmnop") == "partial ***"
    assert redact_secret("unrelated words only", "abcdefghijklmnop") == "unrelated words only"
    long = "a" * 495 + TOKEN
    assert "s3cr" not in shorten(long, 500, [TOKEN])
    for dsn in (
        "postgresql://u:pw-123@h/db",
        "postgresql://u@h/db?sslmode=require&password=pw-123",
        "host=h user=u password=pw-123 dbname=x",
        "host=h password='pw-123 with space' dbname=x",
    ):
        assert "pw-123" not in redact_dsn(dsn), dsn
    assert redact_dsn("postgresql://u@h/db") == "postgresql://u@h/db"


# --- statuspage.yaml ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, fragment, line",
    [
        ("page_id: p1\nbase_url: http://127.0.0.1:1@evil.example/v1\n", "user name or password", 2),
        ("page_id: p1\nbase_url: https://user:pw@api.example/v1\n", "user name or password", 2),
        ("page_id: p1\nbase_url: file:///etc/passwd\n", "https://", 2),
        ("page_id: p1\nbase_url: http://api.statuspage.io/v1\n", "unencrypted", 2),
        ("page_id: p1\nbase_url: https://api.example/v1?x=1\n", "query", 2),
        ("page_id: ../../admin\n", "not a Statuspage id", 1),
        ("page_id: p1\ncomponents:\n  checkout: 'a/../b'\n", "component id", 3),
        ("page_id: p1\ncomponents:\n  checkout: " + "c" * 5000 + "\n", "component id", 3),
        ("page_id: p1\ntimeout: -5\n", "timeout", 2),
        ("page_id: p1\ntimeout: .nan\n", "timeout", 2),
        ("page_id: p1\ntimeout: .inf\n", "timeout", 2),
        ("page_id: p1\ntimeout: '10'\n", "timeout", 2),
        ("page_id: p1\nmin_interval: 1e308\n", "min_interval", 2),
        ("page_id: &a p1\nbase_url: *a\n", "aliases", 1),
        ("page_id: p1\npage_id: p2\n", "duplicate key", 2),
        ("impact: {SEV99999999999999999999: critical}\n", "not a severity", 1),
    ],
)
def test_bad_settings_fail_at_load_with_their_line(
    tmp_path: Path, text: str, fragment: str, line: int
) -> None:
    path = tmp_path / "statuspage.yaml"
    path.write_text(text)
    with pytest.raises(SyncConfigError) as info:
        load_config(path, env={})
    assert fragment in str(info.value)
    assert f"{path}:{line}" in str(info.value)


def test_good_settings_still_load(tmp_path: Path) -> None:
    path = tmp_path / "statuspage.yaml"
    path.write_text(
        "page_id: y2j98763l56x\nbase_url: https://api.statuspage.io/v1/\ntimeout: 2.5\n"
        "components: {checkout: abc123def456, 'payments db': 9876543210ab}\n"
    )
    cfg = load_config(path, env={"IRTUI_STATUSPAGE_URL": "http://[::1]:4010/v1"})
    assert cfg.base_url == "http://[::1]:4010/v1" and cfg.timeout_s == 2.5
    assert cfg.components["payments db"] == "9876543210ab"
    for local in ("http://127.0.0.1:4010", "http://localhost:4010/v1"):
        assert load_config(path, env={"IRTUI_STATUSPAGE_URL": local}).base_url == local


def test_environment_overrides_are_checked_too(tmp_path: Path) -> None:
    with pytest.raises(SyncConfigError, match=r"\$IRTUI_STATUSPAGE_URL: .*https"):
        load_config(tmp_path / "none.yaml", env={"IRTUI_STATUSPAGE_URL": "http://evil.example"})
    with pytest.raises(SyncConfigError, match=r"\$IRTUI_STATUSPAGE_PAGE_ID"):
        load_config(tmp_path / "none.yaml", env={"IRTUI_STATUSPAGE_PAGE_ID": "x/../y"})


def test_an_alias_bomb_is_refused_in_milliseconds(tmp_path: Path) -> None:
    import time

    path = tmp_path / "statuspage.yaml"
    lines = ['a0: &a0 ["lol"]'] + [
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)
    ]
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size < 2048
    start = time.perf_counter()
    with pytest.raises(SyncConfigError, match=r"statuspage\.yaml:1: .*aliases"):
        load_config(path, env={})
    assert time.perf_counter() - start < 0.5
