"""Status-page settings: `statuspage.yaml` in the user config dir, overridden by environment.

The API token is deliberately *not* a setting: it comes from `$IRTUI_STATUSPAGE_TOKEN` or the
OS keyring only, so it can never end up in a config file, the store, an export or a screenshot.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_BASE_URL = "https://api.statuspage.io/v1"
INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
IMPACTS = ("none", "minor", "major", "critical")
COMPONENT_STATUSES = (
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
)
DEFAULT_IMPACT = {1: "critical", 2: "major", 3: "minor", 4: "none"}
DEFAULT_COMPONENT_STATUS = {
    1: "major_outage",
    2: "partial_outage",
    3: "degraded_performance",
    4: "degraded_performance",
}
KEYRING_SERVICE = "irtui-statuspage"
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
"""Statuspage page and component ids are short alphanumeric strings; they go into URL paths
(`/pages/{page_id}/incidents`), so nothing else is accepted (`../../admin` was)."""
MAX_COMPONENTS = 1_000
MAX_SERVICE_NAME = 120
MAX_URL = 2_000
TIMEOUT_RANGE = (0.1, 300.0)
INTERVAL_RANGE = (0.0, 60.0)


class SyncConfigError(ValueError):
    """statuspage.yaml is malformed (message says which file and key)."""


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """Where and how to publish. `components` maps irtui service names to component ids."""

    page_id: str = ""
    base_url: str = DEFAULT_BASE_URL
    components: dict[str, str] = field(default_factory=dict)
    impact: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_IMPACT))
    component_status: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_COMPONENT_STATUS))
    notify: bool = True
    timeout_s: float = 10.0
    min_interval_s: float = 1.0
    """Statuspage allows one request per second per key: the provider paces itself."""
    source: str = "<defaults>"

    @property
    def configured(self) -> bool:
        return bool(self.page_id)

    def impact_for(self, severity: int) -> str:
        return self.impact.get(severity, "minor")

    def component_status_for(self, severity: int) -> str:
        return self.component_status.get(severity, "degraded_performance")


def config_path() -> Path:
    from irtui.paths import config_dir

    return config_dir() / "statuspage.yaml"


def _where(source: str, data: Any, key: Any = None) -> str:
    """`file:line` of a key when the file was read here (LineDict), else the file."""
    from irtui.boundary.yaml_load import line_of

    line = line_of(data, key)
    return f"{source}:{line}" if line else source


def _severity_map(raw: Any, allowed: tuple[str, ...], key: str, source: str) -> dict[int, str]:
    if not isinstance(raw, Mapping):
        raise SyncConfigError(f"{source}: `{key}` must be a mapping like {{SEV1: critical}}")
    out: dict[int, str] = {}
    for k, v in raw.items():
        text = str(k).strip().upper().removeprefix("SEV")
        if not text.isdigit() or not 1 <= int(text) <= 9:
            raise SyncConfigError(
                f"{_where(source, raw, k)}: `{key}` key {k!r} is not a severity (SEV1..SEV9)"
            )
        if str(v) not in allowed:
            raise SyncConfigError(
                f"{_where(source, raw, k)}: `{key}.{k}` is {v!r}; use one of {', '.join(allowed)}"
            )
        out[int(text)] = str(v)
    return out


def check_id(value: Any, what: str, where: str) -> str:
    """A page or component id: a short string of letters, digits, `_` and `-` only."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SyncConfigError(f"{where}: {what} must be a string, not {type(value).__name__}")
    text = str(value).strip()
    if not ID_PATTERN.match(text):
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise SyncConfigError(
            f"{where}: {what} {shown!r} is not a Statuspage id (1-64 letters, digits, _ or -)"
        )
    return text


def check_base_url(value: Any, where: str) -> str:
    """The API base URL: https, or plain http only to this machine (a local mock); no user
    name or password in it (`http://127.0.0.1:1@evil.example/` sends the token to
    evil.example), no `file://`, no query or fragment."""
    from urllib.parse import urlsplit

    if not isinstance(value, str) or not value.strip():
        raise SyncConfigError(f"{where}: base_url must be a URL such as {DEFAULT_BASE_URL}")
    text = value.strip()
    if len(text) > MAX_URL or any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise SyncConfigError(f"{where}: base_url is not a plain URL (too long or has spaces)")
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise SyncConfigError(f"{where}: base_url {text!r} is not a valid URL ({exc})") from None
    if parts.scheme not in ("https", "http"):
        raise SyncConfigError(
            f"{where}: base_url must start with https:// (got {parts.scheme or 'no'} scheme)"
        )
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise SyncConfigError(
            f"{where}: base_url must not contain a user name or password (the part before @): "
            "the API token is sent to that host"
        )
    if not host:
        raise SyncConfigError(f"{where}: base_url {text!r} names no host")
    if parts.query or parts.fragment:
        raise SyncConfigError(f"{where}: base_url must not have a query (?) or fragment (#)")
    if parts.scheme == "http" and not _is_loopback(host):
        raise SyncConfigError(
            f"{where}: base_url must use https:// (plain http:// would send the API token "
            f"unencrypted to {host}; it is allowed only for this machine, e.g. a local mock)"
        )
    return text.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _seconds(
    data: Mapping[str, Any], key: str, default: float, bounds: tuple[float, float], source: str
) -> float:
    raw = data.get(key, default)
    where = _where(source, data, key)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise SyncConfigError(f"{where}: `{key}` must be a number of seconds, not {raw!r}")
    value = float(raw)
    low, high = bounds
    if not math.isfinite(value) or not low <= value <= high:
        raise SyncConfigError(f"{where}: `{key}` must be between {low:g} and {high:g} seconds")
    return value


def parse_config(data: Any, source: str = "<config>") -> SyncConfig:
    """Validate a loaded YAML document; unknown keys are errors (typos must not pass), and so
    is every value the API or the token's safety could not survive: bad values fail here,
    before anything is queued, not at delivery (where they would retry forever)."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise SyncConfigError(f"{source}: expected a mapping at the top level")
    known = {
        "page_id",
        "base_url",
        "components",
        "impact",
        "component_status",
        "notify",
        "timeout",
        "min_interval",
    }
    unknown = sorted(set(map(str, data)) - known)
    if "token" in unknown or "api_key" in unknown:
        raise SyncConfigError(
            f"{source}: do not put the API token in a file; set "
            "IRTUI_STATUSPAGE_TOKEN or store it in the OS keyring"
        )
    if unknown:
        raise SyncConfigError(
            f"{source}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    page_id = ""
    if data.get("page_id") not in (None, ""):
        page_id = check_id(data["page_id"], "page_id", _where(source, data, "page_id"))
    base_url = DEFAULT_BASE_URL
    if data.get("base_url") not in (None, ""):
        base_url = check_base_url(data["base_url"], _where(source, data, "base_url"))
    components = data.get("components") or {}
    if not isinstance(components, Mapping):
        raise SyncConfigError(
            f"{_where(source, data, 'components')}: `components` must map service -> component id"
        )
    if len(components) > MAX_COMPONENTS:
        raise SyncConfigError(f"{source}: more than {MAX_COMPONENTS} components")
    mapped: dict[str, str] = {}
    for service, cid in components.items():
        where = _where(source, components, service)
        name = str(service).strip()
        if not name or len(name) > MAX_SERVICE_NAME or not name.isprintable():
            raise SyncConfigError(f"{where}: service name {str(service)[:40]!r} is not a name")
        mapped[name] = check_id(cid, f"component id of {name!r}", where)
    impact = dict(DEFAULT_IMPACT)
    if "impact" in data:
        impact.update(_severity_map(data["impact"], IMPACTS, "impact", source))
    comp_status = dict(DEFAULT_COMPONENT_STATUS)
    if "component_status" in data:
        comp_status.update(
            _severity_map(data["component_status"], COMPONENT_STATUSES, "component_status", source)
        )
    notify = data.get("notify", True)
    if not isinstance(notify, bool):
        raise SyncConfigError(f"{_where(source, data, 'notify')}: `notify` must be true or false")
    return SyncConfig(
        page_id=page_id,
        base_url=base_url,
        components=mapped,
        impact=impact,
        component_status=comp_status,
        notify=notify,
        timeout_s=_seconds(data, "timeout", 10.0, TIMEOUT_RANGE, source),
        min_interval_s=_seconds(data, "min_interval", 1.0, INTERVAL_RANGE, source),
        source=source,
    )


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> SyncConfig:
    """statuspage.yaml (if present), then `$IRTUI_STATUSPAGE_URL` / `_PAGE_ID` on top, both
    validated the same way."""
    from irtui.boundary.errors import YamlError
    from irtui.boundary.yaml_load import load_yaml_file

    env = os.environ if env is None else env
    path = path or config_path()
    data: Any = None
    source = str(path)
    if path.is_file():
        try:
            data = load_yaml_file(path, max_bytes=256 * 1024, max_depth=8)
        except YamlError as exc:
            message = exc.message.replace("invalid YAML", "not valid YAML")
            raise SyncConfigError(f"{_where_line(source, exc.line)}: {message}") from None
    cfg = parse_config(data, source)
    from dataclasses import replace

    url = env.get("IRTUI_STATUSPAGE_URL", "").strip()
    page = env.get("IRTUI_STATUSPAGE_PAGE_ID", "").strip()
    if url:
        cfg = replace(cfg, base_url=check_base_url(url, "$IRTUI_STATUSPAGE_URL"))
    if page:
        cfg = replace(cfg, page_id=check_id(page, "page_id", "$IRTUI_STATUSPAGE_PAGE_ID"))
    return cfg


def _where_line(source: str, line: int | None) -> str:
    return f"{source}:{line}" if line else source


def load_token(env: Mapping[str, str] | None = None, *, page_id: str = "") -> str | None:
    """`$IRTUI_STATUSPAGE_TOKEN`, else the OS keyring (service `irtui-statuspage`, user =
    page id or `default`) when the optional `keyring` package is importable."""
    env = os.environ if env is None else env
    token = env.get("IRTUI_STATUSPAGE_TOKEN", "").strip()
    if token:
        return token
    try:
        import keyring  # type: ignore[import-not-found]
    except ImportError:
        return None
    for user in (page_id, env.get("IRTUI_STATUSPAGE_PAGE_ID", "").strip(), "default"):
        if not user:
            continue
        try:
            found = keyring.get_password(KEYRING_SERVICE, user)
        except Exception:  # no backend on a headless box: behave as "not set"
            return None
        if found:
            return found.strip()
    return None


EXAMPLE = """\
# irtui status-page settings (Atlassian Statuspage v1). The API token is NOT set here:
# export IRTUI_STATUSPAGE_TOKEN=... (or store it in the OS keyring, service irtui-statuspage).
page_id: your-page-id
# base_url: https://api.statuspage.io/v1     # or a local mock for rehearsals
components:            # irtui service -> Statuspage component id
  checkout: abc123def456
impact:                # severity -> impact shown on the page
  SEV1: critical
  SEV2: major
  SEV3: minor
  SEV4: none
component_status:      # severity -> status of the affected components while open
  SEV1: major_outage
  SEV2: partial_outage
  SEV3: degraded_performance
notify: true           # email/SMS subscribers by default
"""
