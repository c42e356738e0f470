"""A bounded, thread-safe memory kept by a process: the least recently used entry is forgotten
first. Used for what the server's processes learn once and ask again at every screen (issue 15):
the accepted examinations of uploads (conversion.py) and the uploads' paths (interview_objects.py)."""

from __future__ import annotations

import collections
import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["MemoireBornee"]

V = TypeVar("V")


class MemoireBornee(Generic[V]):
    """At most `maximum` entries; `get` refreshes an entry, `garder` forgets the oldest beyond."""

    def __init__(self, maximum: int):
        self.maximum = maximum
        self._entrees: collections.OrderedDict[Hashable, V] = collections.OrderedDict()
        self._verrou = threading.Lock()

    def get(self, cle: Hashable) -> V | None:
        with self._verrou:
            valeur = self._entrees.get(cle)
            if valeur is not None:
                self._entrees.move_to_end(cle)
            return valeur

    def garder(self, cle: Hashable, valeur: V) -> None:
        with self._verrou:
            self._entrees[cle] = valeur
            self._entrees.move_to_end(cle)
            while len(self._entrees) > self.maximum:
                self._entrees.popitem(last=False)

    def clear(self) -> None:
        with self._verrou:
            self._entrees.clear()

    def __len__(self) -> int:
        return len(self._entrees)
