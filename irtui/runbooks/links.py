"""Resolving links between runbooks.

Runbooks link to each other (`[rollback](./deploy-rollback.md)`), and Hugo sites wrap targets
in `{{< ref "x.md" >}}`. The viewer follows such links inside irtui (a war room whose wiki is
down still needs them) and the linter reports the ones that go nowhere.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection
from urllib.parse import unquote

from irtui.runbooks.mdscan import strip_shortcodes
from irtui.runbooks.walk import MARKDOWN_SUFFIXES

__all__ = [
    "MARKDOWN_SUFFIXES",
    "LinkResolver",
    "is_external",
    "resolve_link",
    "split_href",
    "strip_markdown_suffix",
]

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")


def is_external(href: str) -> bool:
    """True for URLs with a scheme (`https:`, `mailto:`) or protocol-relative `//host`."""
    href = href.strip()
    return bool(_SCHEME.match(href)) or href.startswith("//")


def split_href(href: str) -> tuple[str, str]:
    """`("path", "anchor")` from a link target, shortcodes resolved, query string dropped."""
    href = unquote(strip_shortcodes(href).strip())
    path, _, anchor = href.partition("#")
    path = path.split("?", 1)[0].replace("\\", "/")
    return path, anchor


def strip_markdown_suffix(path: str) -> str:
    lower = path.lower()
    for suffix in MARKDOWN_SUFFIXES:
        if lower.endswith(suffix):
            return path[: -len(suffix)]
    return path


class LinkResolver:
    """Resolves links against a fixed set of runbook ids, with lookup tables built once.

    Relative paths resolve against the linking runbook's folder (like a browser would). Hugo's
    `ref` also accepts bare names and site-absolute paths, so for those we fall back to a unique
    suffix match; ambiguity resolves to None rather than to a guess.
    """

    def __init__(self, known_ids: Collection[str]) -> None:
        self._ids = set(known_ids)
        self._lower: dict[str, list[str]] = {}
        for known in self._ids:
            self._lower.setdefault(known.lower(), []).append(known)

    def resolve(self, from_id: str, href: str) -> str | None:
        """The runbook id `href` points at, seen from runbook `from_id`, or None."""
        if not href or is_external(href):
            return None
        path, _anchor = split_href(href)
        if not path:
            return None  # same-document anchor
        site_absolute = path.startswith("/")
        if site_absolute:
            joined = path.strip("/")
        else:
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_id), path))
        stem = strip_markdown_suffix(joined.rstrip("/"))
        found = self._lookup(stem)
        if found is None and not site_absolute:
            # Hugo "pretty URLs" serve each page as a folder, so `../sibling` means a sibling.
            pretty = posixpath.normpath(posixpath.join(from_id, path))
            found = self._lookup(strip_markdown_suffix(pretty.rstrip("/")))
        if found is not None or stem.startswith(".."):
            return found
        bare = "/" not in path.strip("/").removeprefix("./")
        if site_absolute or bare:
            return self._suffix_match(stem)
        return None

    def _lookup(self, stem: str) -> str | None:
        candidates = (stem, f"{stem}/_index", f"{stem}/index", f"{stem}/README")
        for candidate in candidates:
            if candidate in self._ids:
                return candidate
        for candidate in candidates:
            matches = self._lower.get(candidate.lower(), [])
            if len(matches) == 1:
                return matches[0]
        return None

    def _suffix_match(self, stem: str) -> str | None:
        parts = stem.split("/")
        for start in range(len(parts)):
            tail = "/".join(parts[start:]).lower()
            if not tail:
                continue
            matches = [
                known
                for lowered, originals in self._lower.items()
                if lowered == tail or lowered.endswith("/" + tail)
                for known in originals
            ]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                return None
        return None


def resolve_link(from_id: str, href: str, known_ids: Collection[str]) -> str | None:
    """One-off convenience around `LinkResolver` (build a resolver to resolve many links)."""
    return LinkResolver(known_ids).resolve(from_id, href)
