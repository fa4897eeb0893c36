"""The provider interface: what the outbox needs from any status page (Statuspage first;
Instatus or a generic webhook later), and the two kinds of failure it must tell apart.

A provider delivers one stored message and returns the remote incident id, or raises
`TransientError` (try again later: network, 5xx, rate limit) or `PermanentError` (a human must
act: bad token, unknown page or component, rejected content). Exactly-once is the provider's
job: it must never create a second remote incident for the same local one (see
`statuspage.StatuspageV1.deliver`).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from irtui.store.outbox_repo import OutboxMessage

STATUSPAGE = "statuspage"
"""Provider name of Atlassian Statuspage (outbox.provider, remote_links.provider)."""


class DeliveryError(Exception):
    """Base of delivery failures. `str()` is safe to store and show (never holds the token)."""


class TransientError(DeliveryError):
    """Worth retrying. `retry_after` (seconds) is the server's own hint, when it gave one."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        ambiguous: bool = False,
        rate_limited: bool = False,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.rate_limited = rate_limited
        """420/429: the key (not just this message) must wait."""
        self.ambiguous = ambiguous
        """The request may have taken effect remotely (sent, but no usable answer)."""


class PermanentError(DeliveryError):
    """Retrying cannot help until a human changes something (token, config, text)."""


class Interrupted(DeliveryError):
    """The worker is stopping: the message goes back to the queue, due at once."""


@runtime_checkable
class Provider(Protocol):
    """One status-page backend."""

    name: str

    def deliver(self, message: OutboxMessage, link: str | None) -> str:
        """Deliver `message`; `link` is the remote incident already published for this
        incident (None: not yet, so create it). Returns the remote incident id."""
        ...

    def close(self) -> None: ...
