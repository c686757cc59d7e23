"""Referee posts applied once (issue 12: idempotent writes).

Every referee form carries a key made when it was drawn (or the JS sends it as the
``Idempotency-Key`` header). ``post_once`` runs the service and stores its answer under
(user, key) in the same transaction, so:

- a retry after a lost response, or a double tap that got through, finds the stored answer and
  is answered "applied" with it, applying nothing;
- two copies racing on two server processes: the database's unique constraint lets one commit;
  the other's whole transaction (the service's writes too) rolls back and it answers with the
  winner's stored answer.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from django.db import IntegrityError, transaction

from ..models.clock import IdempotentPost
from .common import require_actor

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class AlreadyApplied(Exception):
    def __init__(self, stored: IdempotentPost):
        self.stored = stored
        super().__init__(stored.key)


def clean_key(raw: str | None) -> str | None:
    """A well-formed key, or None (a post without one is applied as it comes)."""
    raw = (raw or "").strip()
    return raw if KEY_RE.match(raw) else None


def applied(*, actor, key: str | None) -> IdempotentPost | None:
    if not key or not getattr(actor, "pk", None):
        return None
    return IdempotentPost.objects.filter(user_id=actor.pk, key=key).first()


def post_once(*, actor, key: str | None, path: str, perform: Callable[[], str]) -> str:
    """Run ``perform`` (a service call returning the notice) once per (actor, key).

    Raises AlreadyApplied with the stored answer when the key was used before (or by a racing
    copy that committed first); anything ``perform`` raises passes through, nothing stored."""
    require_actor(actor)
    if not key:
        return perform()
    stored = applied(actor=actor, key=key)
    if stored is not None:
        raise AlreadyApplied(stored)
    try:
        with transaction.atomic():
            notice = perform()
            IdempotentPost.objects.create(user_id=actor.pk, key=key, path=path[:200],
                                          notice=str(notice)[:1000])
            return notice
    except IntegrityError:
        stored = applied(actor=actor, key=key)
        if stored is None:
            raise
        raise AlreadyApplied(stored) from None


def idempotent_posts_prune(*, older_than, actor) -> int:
    """Forget the stored answers older than ``older_than`` (a retry comes within seconds or
    minutes; league.jobs.tasks.housekeeping calls this daily-ish, IDEMPOTENT_POST_DAYS)."""
    require_actor(actor)
    with transaction.atomic():
        deleted, _by_model = IdempotentPost.objects.filter(created_at__lt=older_than).delete()
    return deleted
