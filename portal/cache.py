"""A Redis cache that degrades to "no cache" instead of failing when Redis is unreachable."""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` object for every cache call; building one
    (it copies some 170 response callbacks) took about 0.4 ms here, longer than the Redis
    round trip itself, and a page-cache hit makes one call. A ``redis.Redis`` object may be
    shared between threads (it takes a connection from its pool for each command), so one
    per connection pool is kept and reused."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, except that a Redis outage is a cache miss.

    Pages must still load when Redis is down: reads return the default, writes are dropped,
    ``incr`` answers ``delta`` (a rate limit then lets requests through rather than failing
    them). After an error the backend leaves Redis alone for ``retry_after`` seconds so that a
    hanging server does not add a timeout to every cache call; it is logged once per outage.
    Other Redis errors (wrong type, bad command) still raise: they are bugs, not outages.
    """

    retry_after = 5.0
    # Short socket timeouts: a cache is only worth using when it answers quickly.
    default_options = {"socket_connect_timeout": 1, "socket_timeout": 1}

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**self.default_options, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._skip_until = 0.0

    def _call(self, fallback, method, *args, **kwargs):
        if time.monotonic() < self._skip_until:
            return fallback
        try:
            return method(*args, **kwargs)
        except REDIS_UNAVAILABLE as error:
            self._skip_until = time.monotonic() + self.retry_after
            logger.warning(
                "Redis is unavailable, the cache is bypassed for %s s: %s", self.retry_after, error
            )
            return fallback

    @property
    def is_available(self) -> bool:
        """False while an outage is being waited out."""
        return time.monotonic() >= self._skip_until

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._call(delta, super().incr, key, delta, version)

    def clear(self):
        return self._call(False, super().clear)

    def count_in_window(self, key, timeout: int) -> int:
        """Add one to the counter ``key``, which starts at 0 with a lifetime of ``timeout``
        seconds when it does not exist, and return its value: ``add(key, 0, timeout)`` and
        ``incr(key)`` in one round trip (Django's incr alone makes two). 1 while Redis is
        down, so that a rate limit lets requests through."""
        return self._call(1, self._count_in_window, key, timeout)

    def _count_in_window(self, key, timeout: int) -> int:
        key = self.make_and_validate_key(key)
        pipeline = self._cache.get_client(key, write=True).pipeline(transaction=False)
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
        return pipeline.execute()[1]
