"""Pushing changes: every change to every subscription that wants its type, exactly once each, signed, retried
with back-off, every try in the delivery log. Runs in ``chiso integration deliver``, never in a web request.

What is signed: the string ``<timestamp>.<body>``, where ``<timestamp>`` is the ``X-Chiso-Timestamp`` header
(Unix seconds) and ``<body>`` the raw bytes of the JSON body, with HMAC-SHA256 and the subscription's secret;
``X-Chiso-Signature: sha256=<hex>``. A receiver recomputes it and refuses a timestamp more than a few minutes
old (a replay). ``X-Chiso-Event`` is the change's type, ``X-Chiso-Delivery`` the delivery's id (the same on a
retry, so a receiver can drop a duplicate).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chiso import conf
from chiso.integration import outbound
from chiso.integration.feed import event_of
from chiso.integration.models import Change, Delivery, DeliveryAttempt, DeliveryStatus, Subscription

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def backoff() -> list[int]:
    """Seconds to wait after the 1st, 2nd, … failed try (the last one repeats)."""
    return [int(part) for part in conf.env_str("CHISO_INTEGRATION_BACKOFF_SECONDS").split(",") if part.strip()]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Chiso-Signature`` value of a body sent at ``timestamp`` (see the module's docstring)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def enqueue(now: datetime | None = None) -> int:
    """Make the deliveries of the changes each active subscription has not had queued yet; their number."""
    now = now or timezone.now()
    made = 0
    for subscription in Subscription.objects.filter(is_active=True):
        with transaction.atomic():
            changes = list(Change.objects.filter(id__gt=subscription.enqueued_through).order_by("id")
                           .values_list("id", "type"))
            if not changes:
                continue
            wanted = [Delivery(subscription=subscription, change_id=cid, next_attempt_at=now)
                      for cid, kind in changes if kind in subscription.events]
            Delivery.objects.bulk_create(wanted, ignore_conflicts=True)
            updated = Subscription.objects.filter(pk=subscription.pk,
                                                  enqueued_through=subscription.enqueued_through)
            updated.update(enqueued_through=changes[-1][0])
            made += len(wanted)
    return made


def deliver_due(now: datetime | None = None, *, base_url: str | None = None) -> list[DeliveryAttempt]:
    """One pass: try every pending delivery that is due, once; the attempts made."""
    now = now or timezone.now()
    base_url = base_url or conf.env_str("CHISO_PUBLIC_URL")
    attempts = []
    due = (Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now,
                                   subscription__is_active=True).order_by("next_attempt_at", "id")
           .values_list("id", "next_attempt_at"))
    for delivery_id, planned in list(due[:1000]):
        lease = now + timedelta(seconds=conf.env_int("CHISO_INTEGRATION_TIMEOUT_SECONDS") * 3 + 60)
        claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING,
                                          next_attempt_at=planned).update(next_attempt_at=lease)
        if not claimed:  # another worker took it
            continue
        delivery = Delivery.objects.select_related("subscription", "change").get(pk=delivery_id)
        attempts.append(_attempt(delivery, now, base_url))
    return attempts


def _attempt(delivery: Delivery, now: datetime, base_url: str) -> DeliveryAttempt:
    subscription, change = delivery.subscription, delivery.change
    body = json.dumps(event_of(change, base_url), ensure_ascii=False, separators=(",", ":")).encode()
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        timestamp = str(int(now.timestamp()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "chiso-integration/1",
            "X-Chiso-Event": change.type,
            "X-Chiso-Delivery": str(delivery.pk),
            "X-Chiso-Timestamp": timestamp,
            "X-Chiso-Signature": sign(outbound.secret(subscription.secret_env, "khóa ký HMAC"), timestamp, body),
            **outbound.credentials(subscription),
        }
        status = outbound.post(subscription.url, body, headers).status
    except outbound.DeliveryFailure as failure:
        status, error = failure.status, str(failure)[:300]
    duration = int((time.monotonic() - started) * 1000)
    number = delivery.attempts + 1
    with transaction.atomic():
        attempt = DeliveryAttempt.objects.create(delivery=delivery, number=number, at=now, http_status=status,
                                                 error=error, duration_ms=duration)
        if not error:
            Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.DELIVERED, attempts=F("attempts") + 1,
                                                           delivered_at=now)
        else:
            waits = backoff() or [60]
            gave_up = number >= conf.env_int("CHISO_INTEGRATION_MAX_ATTEMPTS")
            wait = waits[min(number, len(waits)) - 1]
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING, attempts=F("attempts") + 1,
                next_attempt_at=now + timedelta(seconds=wait))
            log.warning("Gửi thay đổi #%s tới %s lần %s thất bại: %s", change.pk, subscription.name, number, error)
    return attempt


def run(*, once: bool, max_seconds: int, pause: int, clock: Clock = timezone.now,
        sleep: Callable[[float], Any] = time.sleep) -> dict[str, int]:
    """``collect`` + ``enqueue`` + ``deliver_due``: one pass, or passes ``pause`` seconds apart for at most
    ``max_seconds`` (at most ``max_seconds // pause`` passes, and never past the deadline)."""
    from chiso.integration.changes import collect

    totals = {"changes": 0, "queued": 0, "attempts": 0, "delivered": 0}
    deadline = time.monotonic() + max_seconds
    passes = 1 if once else max(1, max_seconds // pause)
    for number in range(passes):
        now = clock()
        totals["changes"] += len(collect(now=now))
        totals["queued"] += enqueue(now)
        attempts = deliver_due(now)
        totals["attempts"] += len(attempts)
        totals["delivered"] += sum(1 for a in attempts if not a.error)
        if number == passes - 1 or time.monotonic() + pause >= deadline:
            break
        sleep(pause)
    return totals
