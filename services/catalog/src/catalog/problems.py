"""A reason something was not accepted, with where it came from: what an import reports per bad row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    source: str  # the file name (or "command" for an admin command)
    line: int  # 1-based; 0 when the problem concerns the whole file
    reason: str
    code: str | None = None  # a stable code where the domain has one (CC008, CC009)

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {f'{self.code} ' if self.code else ''}{self.reason}"


class Rejection(Exception):
    """Nothing was applied, for these reasons."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems
