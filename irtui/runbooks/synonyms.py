"""The synonym table: words an on-call engineer uses for the same thing.

Small on purpose: every group here is operations vocabulary that any team's runbooks share
("oncall" = "on-call", "db" = "database", "cert" = "certificate", "ssl" = "tls"). Stemming
already joins word forms ("expired"/"expiration"), so groups only hold different words. A
library adds or replaces groups in its `irtui-runbooks.yaml` (see `libconfig`):

    search:
      synonyms:
        - [pg, postgres, postgresql]
        - [checkout, cart]
      default_synonyms: true     # false: use only the groups above
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

DEFAULT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("oncall", "on-call", "on call"),
    ("db", "database"),
    ("cert", "certificate"),
    ("certs", "certificates"),
    ("ssl", "tls"),
    ("k8s", "kubernetes"),
    ("pg", "postgres", "postgresql"),
    ("mem", "memory"),
    ("oom", "out of memory", "oomkilled"),
    ("disk", "filesystem", "volume"),
    ("fs", "filesystem"),
    ("full", "out of space", "filling up", "no space"),
    ("expired", "expiry", "expiration", "expiring"),
    ("config", "configuration"),
    ("deploy", "deployment", "rollout"),
    ("rollback", "roll back", "revert"),
    ("restart", "reboot"),
    ("crashloop", "crashlooping", "crash loop"),
    ("lb", "load balancer"),
    ("auth", "authentication"),
    ("slow", "latency"),
    ("5xx", "server errors"),
    ("backlog", "queue"),
    ("lag", "behind"),
    ("unreachable", "unavailable"),
    ("net", "network"),
    ("conn", "connection"),
    ("conns", "connections"),
    ("ntp", "clock"),
    ("fd", "file descriptor"),
    ("fds", "file descriptors"),
    ("hpa", "autoscaler"),
    ("pv", "persistent volume"),
    ("pvc", "persistent volume claim"),
    ("alertmanager", "alert manager"),
)


def _key(text: str) -> str:
    from irtui.runbooks.terms import Term

    return " ".join(Term(text).words)


def build_table(
    groups: Iterable[Sequence[str]], *, include_default: bool = True
) -> dict[str, list[str]]:
    """Word (or phrase) -> the other members of its groups, in group order."""
    table: dict[str, list[str]] = {}
    all_groups: list[Sequence[str]] = [*(DEFAULT_GROUPS if include_default else ()), *groups]
    for group in all_groups:
        members = [m for m in (str(x).strip() for x in group) if m]
        for member in members:
            key = _key(member)
            if not key:
                continue
            others = table.setdefault(key, [])
            for other in members:
                if _key(other) != key and other not in others:
                    others.append(other)
    return table
