"""Delivering outbox messages: claim one, hand it to the provider, record what happened.

The policy for a failure lives here, not in the provider: a `TransientError` puts the message
back as `retrying` with a next attempt time (exponential backoff per message, at least the
server's Retry-After, capped), a `PermanentError` marks it `failed` until a human re-queues it.
Anything unexpected is treated as transient — a bug in a payload must not silently drop an
update — but its text is kept so `irtui sync --status` shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from irtui.store.outbox_repo import DEFAULT_LEASE_S, OutboxMessage, OutboxRepo
from irtui.sync.provider import Interrupted, PermanentError, Provider, TransientError

MAX_BACKOFF_S = 300.0
MAX_ERROR = 500
"""Characters of an error kept in `outbox.last_error` (after redaction, never before)."""


def default_backoff(attempts: int, retry_after: float | None) -> float:
    """Seconds until the next attempt: 5 s, 10 s, 20 s ... capped at 5 min, >= Retry-After."""
    base = min(MAX_BACKOFF_S, 5.0 * (2 ** max(0, attempts - 1)))
    return max(base, retry_after or 0.0)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    message_id: int
    incident_id: str
    state: str
    """sent | retrying | failed | lost (another worker took the claim over)"""
    remote_id: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None


class Deliverer:
    """Drains due messages for one provider. Safe to run in several processes at once."""

    def __init__(
        self,
        repo: OutboxRepo,
        provider: Provider,
        now: Callable[[], datetime],
        *,
        lease_s: float = DEFAULT_LEASE_S,
        backoff: Callable[[int, float | None], float] = default_backoff,
    ) -> None:
        self.repo = repo
        self.provider = provider
        self.now = now
        self.lease_s = lease_s
        self.backoff = backoff

    paused_until: datetime | None = None
    """After a rate-limit answer the whole key is throttled: no claims until then."""

    def deliver_one(self) -> DeliveryReport | None:
        """Claim and deliver the next due message; None when nothing is due (or paused)."""
        if self.paused_until is not None and self.now() < self.paused_until:
            return None
        msg = self.repo.claim_next(self.now(), provider=self.provider.name, lease_s=self.lease_s)
        if msg is None:
            return None
        return self._deliver(msg)

    def deliver_due(
        self, *, limit: int | None = None, should_stop: Callable[[], bool] = lambda: False
    ) -> list[DeliveryReport]:
        reports: list[DeliveryReport] = []
        while (limit is None or len(reports) < limit) and not should_stop():
            report = self.deliver_one()
            if report is None:
                break
            reports.append(report)
            if report.state == "interrupted":
                break
        return reports

    def _said(self, exc: BaseException, prefix: str = "") -> str:
        """An error as stored and shown: one line, controls visible, the provider's secret
        (its token) and any DSN password taken out before it is cut short."""
        from irtui.boundary.secrets import shorten
        from irtui.boundary.text_out import for_terminal

        redact = getattr(self.provider, "redact", None)
        text = for_terminal(f"{prefix}{exc}", single_line=True)
        text = redact(text) if callable(redact) else text
        return shorten(text, MAX_ERROR)

    def _deliver(self, msg: OutboxMessage) -> DeliveryReport:
        link = self.repo.link(msg.incident_id, msg.provider)
        try:
            remote_id = self.provider.deliver(msg, link)
        except Interrupted:
            now = self.now()
            self.repo.mark_retrying(msg, msg.last_error or "interrupted", now, now)
            return DeliveryReport(msg.id, msg.incident_id, "interrupted", next_attempt_at=now)
        except PermanentError as exc:
            error = self._said(exc)
            ok = self.repo.mark_failed(msg, error, self.now())
            return DeliveryReport(msg.id, msg.incident_id, "failed" if ok else "lost", error=error)
        except TransientError as exc:
            report = self._retry_later(msg, self._said(exc), exc.retry_after)
            if exc.rate_limited:
                self.paused_until = report.next_attempt_at
            return report
        except Exception as exc:  # a bug must not lose an update: keep it, say why
            return self._retry_later(
                msg, self._said(exc, f"unexpected {type(exc).__name__}: "), None
            )
        ok = self.repo.mark_sent(msg, remote_id, self.now())
        return DeliveryReport(
            msg.id, msg.incident_id, "sent" if ok else "lost", remote_id=remote_id
        )

    def _retry_later(
        self, msg: OutboxMessage, error: str, retry_after: float | None
    ) -> DeliveryReport:
        now = self.now()
        next_at = now + timedelta(seconds=self.backoff(msg.attempts, retry_after))
        ok = self.repo.mark_retrying(msg, error, next_at, now)
        return DeliveryReport(
            msg.id,
            msg.incident_id,
            "retrying" if ok else "lost",
            error=error,
            next_attempt_at=next_at,
        )
