"""Waking subscribers after commit, never inside an append transaction.

NOTIFY inside a transaction takes a cluster-wide lock at commit and serialises every writer, so appends
only "poke" this notifier; it sends one pg_notify per burst of appends from its own connection, after
those appends committed. Subscribers LISTEN and also poll, so a lost notification only costs latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

CHANNEL = "event_store_appended"
log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._wanted = asyncio.Event()
        self._closed = False
        self._task: asyncio.Task[None] | None = None

    def poke(self) -> None:
        if self._closed:
            return
        self._wanted.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        conn: asyncpg.Connection | None = None
        try:
            conn = await asyncpg.connect(self._dsn)
            while not self._closed:
                try:
                    async with asyncio.timeout(30):
                        await self._wanted.wait()
                except TimeoutError:
                    return  # idle: close the connection; the next poke opens a new one
                if self._closed:
                    return
                self._wanted.clear()  # pokes arriving while we send are covered by the next round
                await conn.execute(f"NOTIFY {CHANNEL}")
                # At most ~200 notifications/s, however many appends: each NOTIFY is a transaction with an
                # xid and a commit record (an fsync wait with synchronous_commit on), which writers pay for.
                await asyncio.sleep(0.005)
        except (OSError, asyncpg.PostgresError) as error:
            log.warning("notify failed; subscribers fall back to polling", extra={"error": str(error)})
        finally:
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close()

    async def close(self) -> None:
        # A flag, not only cancel(): on Python 3.11 a cancel that races a completed wait can be lost.
        self._closed = True
        self._wanted.set()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait({self._task}, timeout=5)
            self._task.cancel()


class Listener:
    """An event that is set whenever some writer appended (or when asked to stop waiting)."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self.appended = asyncio.Event()
        self._conn: asyncpg.Connection | None = None

    async def start(self) -> None:
        self._conn = await asyncpg.connect(self._dsn)
        await self._conn.add_listener(CHANNEL, self._on_notify)

    def _on_notify(self, *_: object) -> None:
        self.appended.set()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self.appended.wait()
        self.appended.clear()

    def wake(self) -> None:
        self.appended.set()

    async def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None
