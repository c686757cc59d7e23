"""Django's Redis cache that degrades to "nothing cached" while Redis is down (issue 12).

Everything the app keeps in the cache can be rebuilt (rendered public bodies, whole public
responses: league/http_cache.py), so losing Redis must cost speed, never a 500. Each call that
fails with a Redis or socket error is answered as a miss (``get`` gives the default, ``set`` does
nothing) and logged; for ``PAUSE`` seconds after a failure the cache is not even asked, so a
request does not wait for a connect timeout on every cache call while Redis is away.
"""
from __future__ import annotations

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PAUSE = 1.0  # seconds without asking Redis after a failed call


def _default(key, default=None, version=None):
    return default


# What a call answers while Redis is away: a miss, or "not stored". incr has no honest answer,
# so it is not guarded (nothing in the app uses it).
_FALLBACKS = {
    "get": _default,
    "get_many": lambda keys, version=None: {},
    "has_key": lambda key, version=None: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda data, timeout=None, version=None: list(data),
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda: False,
}


class _Outage:
    """Process-wide (the cache object itself may be made per request under ASGI)."""

    until = 0.0


def _guarded(name: str, fallback):
    call = getattr(RedisCache, name)

    @wraps(call)
    def method(self, *args, **kwargs):
        if time.monotonic() < _Outage.until:
            return fallback(*args, **kwargs)
        try:
            return call(self, *args, **kwargs)
        except (RedisError, OSError):
            if time.monotonic() - _Outage.until > 10:  # once per outage, not per call
                logger.warning("cache: Redis unreachable, serving without it", exc_info=True)
            _Outage.until = time.monotonic() + PAUSE
            return fallback(*args, **kwargs)

    return method


class ResilientRedisCache(RedisCache):
    """RedisCache whose reads miss and whose writes are skipped while Redis is unreachable."""


for _name, _fallback in _FALLBACKS.items():
    setattr(ResilientRedisCache, _name, _guarded(_name, _fallback))
