"""Secrets never leave in text: API tokens and database passwords are taken out of every error
message, display and log line before it is shown, stored or cut short.

Why here and not at each call site: the order matters and is easy to get wrong. Redaction must
come *before* truncation (cutting first can leave a token's first half, which no longer matches
the whole token); a server may echo a token upper-cased or only partly; a DSN password can sit
in URL userinfo, in `?password=` or in a libpq keyword string. One function per kind of secret,
used by the store (DSNs), the status-page sync (tokens) and the CLI's last line of defence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
MIN_FRAGMENT = 8
"""A run of token characters sharing this many consecutive characters with a secret is hidden
whole (an echo of the token's first half, of its end, or of the token in another case)."""

_TOKEN_RUN = re.compile(r"[A-Za-z0-9_\-.~+/=]+")
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s/:@]*):[^\s@]*@")
_QUERY_SECRET = re.compile(
    r"(?i)([?&;](?:password|passwd|pwd|sslpassword|secret|token|api[_-]?key|access[_-]?token)=)"
    r"[^&;#\s'\"]*"
)
_KEYWORD_SECRET = re.compile(
    r"(?i)\b((?:password|passwd|pwd|sslpassword)\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'\"]+)"
)


def redact_dsn(text: str) -> str:
    """Database passwords hidden in every form a DSN takes: `scheme://user:PASS@host`,
    `...?password=PASS`, and the libpq keyword form `host=h password=PASS`."""
    if not text:
        return text
    text = _URL_USERINFO.sub(rf"\1:{MASK}@", text)
    text = _QUERY_SECRET.sub(rf"\1{MASK}", text)
    return _KEYWORD_SECRET.sub(rf"\1{MASK}", text)


def redact_secret(text: str, secret: str | None, *, min_fragment: int = MIN_FRAGMENT) -> str:
    """`text` with `secret` hidden: case-insensitively, and also any run of token characters
    that shares `min_fragment` consecutive characters with it (a truncated or partial echo).
    Short secrets (below `min_fragment`) are matched whole, case-insensitively."""
    if not text or not secret:
        return text
    lowered = secret.lower()
    if len(lowered) <= min_fragment:
        return re.sub(re.escape(secret), MASK, text, flags=re.IGNORECASE)
    fragments = {lowered[i : i + min_fragment] for i in range(len(lowered) - min_fragment + 1)}
    text = re.sub(re.escape(secret), MASK, text, flags=re.IGNORECASE)

    def hide(match: re.Match[str]) -> str:
        run = match.group().lower()
        for i in range(len(run) - min_fragment + 1):
            if run[i : i + min_fragment] in fragments:
                return MASK
        return match.group()

    return _TOKEN_RUN.sub(hide, text)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Every known secret and every DSN password taken out of `text`."""
    for secret in secrets:
        text = redact_secret(text, secret)
    return redact_dsn(text)


def shorten(text: str, limit: int, secrets: Iterable[str | None] = ()) -> str:
    """Redact first, then cut to `limit` characters (with an ellipsis): never the other way
    round, which could keep a token's prefix that no longer matches the token."""
    text = redact(text, secrets)
    if len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text
