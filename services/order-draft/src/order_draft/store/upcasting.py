"""Turns stored events of an old schema version into the current one, on read."""

from __future__ import annotations

from collections.abc import Callable

from order_draft.store.model import JSON

Upcaster = Callable[[JSON], JSON]


class Upcasters:
    def __init__(self) -> None:
        self._by_version: dict[tuple[str, int], Upcaster] = {}

    def register(self, event_type: str, from_version: int, upcast: Upcaster) -> None:
        """`upcast` turns a payload of `from_version` into one of `from_version + 1`."""
        self._by_version[(event_type, from_version)] = upcast

    def upcast(self, event_type: str, version: int, payload: JSON) -> tuple[int, JSON]:
        while (step := self._by_version.get((event_type, version))) is not None:
            payload = step(payload)
            version += 1
        return version, payload

    def __bool__(self) -> bool:
        return bool(self._by_version)
