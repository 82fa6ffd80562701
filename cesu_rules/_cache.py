"""A small, bounded, thread-safe LRU cache of immutable values.

The only caches of the package are instances of :class:`BoundedCache` (the rules snapshots and
the month plans), each registered here so that :func:`clear_caches` empties them all. Keys
always include the ruleset's content hash, so a cached value can never be stale; the bound
only keeps long-running processes (a service, a notebook trying many reforms) from growing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["BoundedCache", "clear_caches"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_REGISTRY: list[BoundedCache[object, object]] = []
_CLEAR_HOOKS: list[Callable[[], None]] = []


class BoundedCache(Generic[K, V]):
    """At most ``maxsize`` entries, the least recently used dropped first."""

    def __init__(self, name: str, maxsize: int) -> None:
        self.name = name
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        _REGISTRY.append(self)  # type: ignore[arg-type]

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def get_or_build(self, key: K, build: Callable[[], V]) -> V:
        found = self.get(key)
        return found if found is not None else self.put(key, build())

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


def on_clear(hook: Callable[[], None]) -> None:
    """Register another process-wide memo (the default ruleset) to forget on clear."""
    _CLEAR_HOOKS.append(hook)


def clear_caches() -> None:
    """Forget every cached snapshot, month plan and the loaded default ruleset."""
    for cache in _REGISTRY:
        cache.clear()
    for hook in _CLEAR_HOOKS:
        hook()
