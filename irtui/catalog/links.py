"""The links a declared incident inherits from the catalog (Backstage's `metadata.links`,
catalog.yaml's `links:`): the service's dashboard, alerts and runbook one key away from the
first minute, instead of someone pasting them into the channel.

Pure: it names links, the domain decides whether they are valid and new.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from irtui.catalog.model import Catalog

_WORD = re.compile(r"[^a-z0-9_\-]+")


def link_name(title: str, service: str, *, several: bool) -> str:
    """`Dashboard` -> `dashboard`; with several services, `checkout-dashboard` (one link per
    service, none hiding another). Names follow the incident's link names (short words)."""
    base = _WORD.sub("_", (title or "link").strip().lower()).strip("_-") or "link"
    name = f"{service}-{base}" if several else base
    return _WORD.sub("_", name.lower())[:40].strip("_-") or "link"


def inherited_links(catalog: Catalog, services: Sequence[str]) -> list[tuple[str, str]]:
    """(name, url) for every catalog link of the incident's known services, in catalog order,
    one per name (the first service naming it wins)."""
    known = [catalog.services[s] for s in services if s in catalog.services]
    several = len(known) > 1
    out: dict[str, str] = {}
    for service in known:
        for link in service.links:
            name = link_name(link.title, service.key, several=several)
            out.setdefault(name, link.url)
    return list(out.items())
