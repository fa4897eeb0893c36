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

    `resolve` is exact, the way the link's own renderer would resolve it: relative paths
    against the linking runbook's folder (a folder means its README/_index/index page), and
    Hugo's lowercased "pretty URLs" (`../kubepersistentvolumefillingup`) for an all-lowercase
    target. `resolve_ref` adds Hugo's `{{< ref >}}` rule (a page name unique in the site).
    Anything looser is `closest`: a suggestion for a person to confirm, never a resolution.
    """

    def __init__(self, known_ids: Collection[str]) -> None:
        self._ids = set(known_ids)
        self._lower: dict[str, list[str]] = {}
        for known in self._ids:
            self._lower.setdefault(known.lower(), []).append(known)

    def _target(self, from_id: str, href: str) -> tuple[str, bool] | None:
        if not href or is_external(href):
            return None
        path, _anchor = split_href(href)
        if not path:
            return None  # same-document anchor
        site_absolute = path.startswith("/")
        if site_absolute:
            return path.strip("/"), True
        return posixpath.normpath(posixpath.join(posixpath.dirname(from_id), path)), False

    def resolve(self, from_id: str, href: str) -> str | None:
        """The runbook id `href` points at, seen from runbook `from_id`, or None."""
        target = self._target(from_id, href)
        if target is None:
            return None
        stem = strip_markdown_suffix(target[0].rstrip("/"))
        found = self._lookup(stem, exact_case=True)
        path, _anchor = split_href(href)
        if found is None and strip_markdown_suffix(path) == path:
            # Hugo serves each page as a folder, so `../sibling` is a sibling page; its URLs
            # are lowercased, so an all-lowercase link may differ in case from the file.
            pretty = posixpath.normpath(posixpath.join(from_id, path))
            stem_pretty = strip_markdown_suffix(pretty.rstrip("/"))
            found = self._lookup(stem_pretty, exact_case=True)
            if found is None and path == path.lower():
                found = self._lookup(stem_pretty, exact_case=False) or self._lookup(
                    stem, exact_case=False
                )
        return found

    def resolve_ref(self, from_id: str, href: str) -> str | None:
        """A Hugo `{{< ref "x" >}}` target: exact, site-absolute, or a unique page name."""
        found = self.resolve(from_id, href)
        if found is not None:
            return found
        target = self._target(from_id, href)
        if target is None:
            return None
        path, _anchor = split_href(href)
        site_absolute = target[1]
        bare = "/" not in path.strip("/").removeprefix("./")
        if site_absolute or bare:
            return self._suffix_match(strip_markdown_suffix(path.strip("/").removeprefix("./")))
        return None

    def closest(self, from_id: str, href: str) -> str | None:
        """The runbook a dead link most likely meant (case, folder or spelling): shown as a
        suggestion, never followed on its own."""
        target = self._target(from_id, href)
        if target is None:
            return None
        stem = strip_markdown_suffix(target[0].rstrip("/"))
        found = self._lookup(stem, exact_case=False)
        if found is not None:
            return found
        path, _anchor = split_href(href)
        found = self._suffix_match(strip_markdown_suffix(path.strip("/").lstrip("./")))
        if found is not None:
            return found
        import difflib

        name = stem.rsplit("/", 1)[-1].lower()
        by_name: dict[str, list[str]] = {}
        for known in self._ids:
            by_name.setdefault(known.rsplit("/", 1)[-1].lower(), []).append(known)
        close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.8)
        if close and len(by_name[close[0]]) == 1:
            return by_name[close[0]][0]
        return None

    def _lookup(self, stem: str, *, exact_case: bool) -> str | None:
        candidates = (stem, f"{stem}/_index", f"{stem}/index", f"{stem}/README")
        if exact_case:
            return next((c for c in candidates if c in self._ids), None)
        for candidate in candidates:
            matches = self._lower.get(candidate.lower(), [])
            if len(matches) == 1:
                return matches[0]
        return None

    def _suffix_match(self, stem: str) -> str | None:
        tail = stem.lower()
        if not tail:
            return None
        matches = [
            known
            for lowered, originals in self._lower.items()
            if lowered == tail or lowered.endswith("/" + tail)
            for known in originals
        ]
        return matches[0] if len(matches) == 1 else None


def resolve_link(from_id: str, href: str, known_ids: Collection[str]) -> str | None:
    """One-off convenience around `LinkResolver` (build a resolver to resolve many links)."""
    return LinkResolver(known_ids).resolve(from_id, href)
