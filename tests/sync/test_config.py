"""statuspage.yaml loading, environment overrides, and where the token may (not) come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from irtui.sync.config import (
    DEFAULT_BASE_URL,
    EXAMPLE,
    SyncConfigError,
    config_path,
    load_config,
    load_token,
)


def test_defaults_without_a_file(tmp_path: Path) -> None:
    cfg = load_config(tmp_path / "missing.yaml", env={})
    assert cfg.base_url == DEFAULT_BASE_URL
    assert not cfg.configured
    assert cfg.impact_for(1) == "critical" and cfg.impact_for(4) == "none"
    assert cfg.notify is True


def test_file_then_environment(tmp_path: Path) -> None:
    path = tmp_path / "statuspage.yaml"
    path.write_text(
        "page_id: abc\ncomponents: {checkout: c1}\nimpact: {SEV2: critical}\nnotify: false\n"
    )
    cfg = load_config(path, env={})
    assert (cfg.page_id, cfg.components, cfg.impact_for(2), cfg.notify) == (
        "abc",
        {"checkout": "c1"},
        "critical",
        False,
    )
    cfg = load_config(
        path,
        env={"IRTUI_STATUSPAGE_URL": "http://127.0.0.1:4010/", "IRTUI_STATUSPAGE_PAGE_ID": "xyz"},
    )
    assert cfg.base_url == "http://127.0.0.1:4010" and cfg.page_id == "xyz"


def test_default_location_is_the_config_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("IRTUI_CONFIG_DIR", str(tmp_path))
    (tmp_path / "statuspage.yaml").write_text(EXAMPLE)
    assert config_path() == tmp_path / "statuspage.yaml"
    assert load_config().page_id == "your-page-id"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("token: abc\n", "do not put the API token"),
        ("api_key: abc\n", "do not put the API token"),
        ("page_idd: x\n", "unknown key"),
        ("impact: {SEV1: huge}\n", "impact.SEV1"),
        ("component_status: {SEV1: broken}\n", "component_status.SEV1"),
        ("notify: maybe\n", "notify"),
        ("page_id: [unclosed\n", "not valid YAML"),
        ("- a list\n", "mapping"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "statuspage.yaml"
    path.write_text(text)
    with pytest.raises(SyncConfigError) as err:
        load_config(path, env={})
    assert fragment in str(err.value)
    assert str(path) in str(err.value)


def test_token_only_from_env_or_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    assert load_token({"IRTUI_STATUSPAGE_TOKEN": " tok "}) == "tok"
    monkeypatch.setitem(sys.modules, "keyring", None)  # keyring not installed
    assert load_token({}) is None


def test_token_from_the_keyring_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    asked: list[tuple[str, str]] = []

    def get_password(service: str, user: str) -> str | None:
        asked.append((service, user))
        return "from-keyring" if user == "pg9" else None

    fake = types.ModuleType("keyring")
    fake.get_password = get_password  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    assert load_token({}, page_id="pg9") == "from-keyring"
    assert asked == [("irtui-statuspage", "pg9")]
    assert load_token({"IRTUI_STATUSPAGE_TOKEN": "env-wins"}, page_id="pg9") == "env-wins"
    assert load_token({}, page_id="other") is None
