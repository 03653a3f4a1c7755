"""A small thread-safe LRU cache for results that are costly to compute and keyed by what they are computed from
(content hashes, the newest version's id), so an entry never goes stale."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRU(Generic[V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The cached value for `key`, computed (outside the lock) when missing."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        self.put(key, value)
        return value

    def find(self, key: Hashable) -> V | None:
        """The cached value for `key`, if any."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class Versioned(Generic[V]):
    """Values that stay valid while the store's data version (see `queries.data_version`) is unchanged, and for
    at most `ttl` seconds: the stories list is the same for every visitor until a story or a version is added,
    so its rows and rendered HTML are kept and shared. Changes that add neither (a story no longer watched) show
    after `ttl` at most, or at once when this app made them and `clear`ed the values."""

    def __init__(self, size: int = 128, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self._lru: LRU[tuple[object, float, V]] = LRU(size)

    def get(self, key: Hashable, version: object, compute: Callable[[], V]) -> V:
        """The value for `key` computed at this data `version`, computed now if there is none (or it is too old)."""
        now = time.monotonic()
        found = self._lru.find(key)
        if found is not None and found[0] == version and now - found[1] < self.ttl:
            return found[2]
        value = compute()
        if self.ttl > 0:
            self._lru.put(key, (version, now, value))
        return value

    def clear(self) -> None:
        """Forget every value: after a change the data version does not see (a story stopped or resumed here)."""
        self._lru.clear()
