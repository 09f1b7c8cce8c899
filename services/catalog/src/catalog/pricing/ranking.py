"""Picking one winner among applicable entries, keeping the current choice when it ranks equal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar


class Identified(Protocol):
    @property
    def id(self) -> str: ...


E = TypeVar("E", bound=Identified)
Rank = tuple[int, ...]


def pick_winner(candidates: Sequence[E], rank: Callable[[E], Rank], current_id: str | None) -> E:
    """The lowest rank wins. An equally ranked current choice is kept, so a line does not flip between
    equal entries; otherwise ties go to the smallest id, so the result never depends on input order.
    `candidates` must not be empty."""
    best = min(candidates, key=lambda c: (rank(c), c.id))
    for candidate in candidates:
        if candidate.id == current_id and rank(candidate) == rank(best):
            return candidate
    return best
