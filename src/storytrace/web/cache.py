"""A small thread-safe LRU cache for results that are costly to compute and keyed by what they are computed from
(content hashes, the newest version's id), so an entry never goes stale. A missing value is computed once however
many requests ask for it at the same time (a diff of two long versions takes seconds: each request computing it
again would only make all of them slower)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, cast

V = TypeVar("V")


class _Flight:
    """A computation under way: the requests for the same key wait for it, then take its value (or, when it
    failed, compute it again themselves)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.failed = False
        self.value: object = None


class LRU(Generic[V]):
    """At most `size` values, and when `most_weight` is given, values whose weights (what `get` is told each weighs,
    such as the length of the texts a diff was computed from) add up to no more than it: a few diffs of long stories
    would otherwise hold gigabytes. A value heavier than `most_weight` alone is computed and not kept."""

    def __init__(self, size: int, most_weight: int | None = None) -> None:
        self.size = size
        self.most_weight = most_weight
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        self._flights: dict[Hashable, _Flight] = {}
        self.computed = 0  # how many times `get` computed a value (for tests and curiosity)

    def get(self, key: Hashable, compute: Callable[[], V], weight: int = 0) -> V:
        """The cached value for `key`, computed (outside the lock) when missing; when it is being computed already,
        the value that computation gives. A computation that fails is forgotten: its waiters and the next request
        compute it again (one of them, the others waiting for it)."""
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key][0]
                flight = self._flights.get(key)
                leading = flight is None
                if flight is None:
                    flight = self._flights[key] = _Flight()
                    self.computed += 1
            if leading:
                return self._lead(key, flight, compute, weight)
            flight.done.wait()
            if not flight.failed:
                return cast(V, flight.value)

    def _lead(self, key: Hashable, flight: _Flight, compute: Callable[[], V], weight: int) -> V:
        try:
            value = compute()
        except BaseException:
            flight.failed = True
            raise
        else:
            flight.value = value
            self.put(key, value, weight)
            return value
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()

    def find(self, key: Hashable) -> V | None:
        """The cached value for `key`, if any."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]
        return None

    def put(self, key: Hashable, value: V, weight: int = 0) -> None:
        with self._lock:
            if key in self._items:
                self._weight -= self._items.pop(key)[1]
            if self.most_weight is not None and weight > self.most_weight:
                return
            self._items[key] = (value, weight)
            self._weight += weight
            while len(self._items) > self.size or (self.most_weight is not None and self._weight > self.most_weight):
                self._weight -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0

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
