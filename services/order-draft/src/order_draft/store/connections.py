"""A lean connection pool for the append path.

asyncpg's Pool spends several event-loop turns per acquire/release (a shielded release task, a reset
query): about 0.1 ms per append, a quarter of a durable single-event append on this machine. Appends
need none of that: a connection is idle or busy, and one that broke is replaced. Everything else in the
store keeps using asyncpg's Pool.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import asyncpg


class Connections:
    def __init__(self, dsn: str, size: int, server_settings: dict[str, str]) -> None:
        self._dsn = dsn
        self._size = size
        self._settings = server_settings
        self._idle: deque[asyncpg.Connection] = deque()
        self._waiters: deque[asyncio.Future[asyncpg.Connection]] = deque()
        self._open = 0
        self._closed = False

    async def _connect(self) -> asyncpg.Connection:
        self._open += 1
        try:
            conn: asyncpg.Connection = await asyncpg.connect(self._dsn, server_settings=self._settings)
        except BaseException:
            self._open -= 1
            raise
        return conn

    async def take(self) -> asyncpg.Connection:
        """A connection to hand back with `give_back` (the append path's try/finally: cheaper than
        `acquire`'s generator-based context manager)."""
        if self._idle:
            return self._idle.pop()
        if self._open < self._size:
            return await self._connect()
        waiter: asyncio.Future[asyncpg.Connection] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        return await waiter

    def give_back(self, conn: asyncpg.Connection) -> None:
        if conn.is_closed() or conn.is_in_transaction() or self._closed:
            self._open -= 1
            conn.terminate()
            if self._waiters and not self._closed:  # a waiter gets a new connection instead
                waiter = self._waiters.popleft()
                task = asyncio.get_running_loop().create_task(self._connect())
                task.add_done_callback(lambda t: _resolve(waiter, t))
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        self._idle.append(conn)

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        conn = await self.take()
        try:
            yield conn
        finally:
            self.give_back(conn)

    async def close(self) -> None:
        self._closed = True
        while self._idle:
            with contextlib.suppress(Exception):
                await self._idle.pop().close()


def _resolve(waiter: asyncio.Future[Any], task: asyncio.Task[Any]) -> None:
    if waiter.done():
        if not task.exception():
            task.result().terminate()
        return
    if task.exception():
        waiter.set_exception(task.exception())  # type: ignore[arg-type]
    else:
        waiter.set_result(task.result())
