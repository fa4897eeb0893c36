"""Status-page settings: `statuspage.yaml` in the user config dir, overridden by environment.

The API token is deliberately *not* a setting: it comes from `$IRTUI_STATUSPAGE_TOKEN` or the
OS keyring only, so it can never end up in a config file, the store, an export or a screenshot.
"""

from __future__ import annotations

import os
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


def _severity_map(raw: Any, allowed: tuple[str, ...], key: str, source: str) -> dict[int, str]:
    if not isinstance(raw, Mapping):
        raise SyncConfigError(f"{source}: `{key}` must be a mapping like {{SEV1: critical}}")
    out: dict[int, str] = {}
    for k, v in raw.items():
        text = str(k).strip().upper().removeprefix("SEV")
        if not text.isdigit():
            raise SyncConfigError(f"{source}: `{key}` key {k!r} is not a severity (SEV1..)")
        if str(v) not in allowed:
            raise SyncConfigError(
                f"{source}: `{key}.{k}` is {v!r}; use one of {', '.join(allowed)}"
            )
        out[int(text)] = str(v)
    return out


def parse_config(data: Any, source: str = "<config>") -> SyncConfig:
    """Validate a loaded YAML document; unknown keys are errors (typos must not pass)."""
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
    components = data.get("components") or {}
    if not isinstance(components, Mapping):
        raise SyncConfigError(f"{source}: `components` must map service -> component id")
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
        raise SyncConfigError(f"{source}: `notify` must be true or false")
    try:
        timeout = float(data.get("timeout", 10.0))
        interval = float(data.get("min_interval", 1.0))
    except (TypeError, ValueError):
        raise SyncConfigError(f"{source}: `timeout`/`min_interval` must be seconds") from None
    return SyncConfig(
        page_id=str(data.get("page_id") or ""),
        base_url=str(data.get("base_url") or DEFAULT_BASE_URL).rstrip("/"),
        components={str(k): str(v) for k, v in components.items()},
        impact=impact,
        component_status=comp_status,
        notify=notify,
        timeout_s=timeout,
        min_interval_s=interval,
        source=source,
    )


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> SyncConfig:
    """statuspage.yaml (if present), then `$IRTUI_STATUSPAGE_URL` / `_PAGE_ID` on top."""
    import yaml

    env = os.environ if env is None else env
    path = path or config_path()
    data: Any = None
    source = str(path)
    if path.is_file():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
            raise SyncConfigError(f"{where}: not valid YAML") from None
    cfg = parse_config(data, source)
    from dataclasses import replace

    url = env.get("IRTUI_STATUSPAGE_URL", "").strip()
    page = env.get("IRTUI_STATUSPAGE_PAGE_ID", "").strip()
    if url:
        cfg = replace(cfg, base_url=url.rstrip("/"))
    if page:
        cfg = replace(cfg, page_id=page)
    return cfg


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
