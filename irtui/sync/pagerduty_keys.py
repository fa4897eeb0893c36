"""PagerDuty routing keys: from the environment or the OS keyring only, looked up by name when
a page is delivered.

A routing key (a PagerDuty service's Events API v2 integration key) lets anyone who holds it
wake people up, so irtui never writes one down: not in the store, the outbox, catalog.yaml,
logs, exports or screenshots. The catalog names keys (`pagerduty: payments` on a service, a
policy or a level); the key for name `payments` is, in order:

1. `$IRTUI_PAGERDUTY_ROUTING_KEY_PAYMENTS` (the name upper-cased, other characters as `_`);
2. the OS keyring, service `irtui-pagerduty`, user `payments` (when `keyring` is installed);
3. for a service read from Backstage, its `pagerduty.com/integration-key` annotation, read
   from the Backstage file at that moment (never copied);
4. the default: `$IRTUI_PAGERDUTY_ROUTING_KEY`, then keyring user `default`.

`IRTUI_PAGERDUTY_URL` points delivery elsewhere (a local mock for rehearsals and tests).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

DEFAULT_URL = "https://events.pagerduty.com/v2"
ENV_DEFAULT = "IRTUI_PAGERDUTY_ROUTING_KEY"
ENV_URL = "IRTUI_PAGERDUTY_URL"
KEYRING_SERVICE = "irtui-pagerduty"


def env_name(name: str) -> str:
    return f"{ENV_DEFAULT}_{re.sub(r'[^A-Za-z0-9]', '_', name).upper()}"


def _keyring(user: str) -> str | None:
    try:
        import keyring  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        found = keyring.get_password(KEYRING_SERVICE, user)
    except Exception:  # no backend on a headless box: behave as "not set"
        return None
    return found.strip() if found else None


@dataclass
class RoutingKeys:
    """Finds the key for a routing name. `backstage(name)` returns a Backstage integration
    key for a service name, read from its file (None if it has none)."""

    env: Mapping[str, str] | None = None
    backstage: Callable[[str], str | None] | None = None
    use_keyring: bool = True

    def _env(self) -> Mapping[str, str]:
        return os.environ if self.env is None else self.env

    def named(self, name: str) -> str | None:
        """The key configured for exactly this name (no default)."""
        value = self._env().get(env_name(name), "").strip()
        if value:
            return value
        if self.use_keyring:
            value = _keyring(name) or ""
            if value:
                return value
        if self.backstage is not None:
            return self.backstage(name)
        return None

    def default(self) -> str | None:
        value = self._env().get(ENV_DEFAULT, "").strip()
        if value:
            return value
        return _keyring("default") if self.use_keyring else None

    def key_for(self, name: str | None) -> str | None:
        return (self.named(name) if name else None) or self.default()

    def where(self, name: str | None) -> str:
        """Where a person should put the key for `name` (for error messages)."""
        specific = f"${env_name(name)} or " if name else ""
        return (
            f"{specific}${ENV_DEFAULT} (or the OS keyring, service {KEYRING_SERVICE}, "
            f"user {name or 'default'})"
        )

    def redact(self, text: str, *keys: str | None) -> str:
        for key in keys:
            if key:
                text = text.replace(key, "***")
        return text


def base_url(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return (env.get(ENV_URL, "").strip() or DEFAULT_URL).rstrip("/")


def catalog_lookup(catalog: object) -> Callable[[str], str | None]:
    """A `RoutingKeys.backstage` over a catalog: service name -> its annotation's key."""

    def lookup(name: str) -> str | None:
        service = catalog.service(name)  # type: ignore[attr-defined]
        if service is None or not service.integration_key_file:
            return None
        from irtui.catalog.backstage import integration_key

        return integration_key(service.integration_key_file, service.key)

    return lookup
