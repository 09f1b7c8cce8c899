"""The catalog at run time: database pool, migrations, topics, the start-up import and the relay."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence

import asyncpg

from catalog.config import Settings
from catalog.demo_data import import_folder_for
from catalog.importing import import_folder
from catalog.publishing.relay import Relay
from catalog.publishing.topics import VIEW_TOPICS, create_compacted_topics, create_topics
from catalog.store.migrations import migrate
from contracts import topics

log = logging.getLogger("catalog")
COMMAND_TOPICS = (topics.CATALOG_COMMANDS, topics.CATALOG_REPLIES, topics.CATALOG_COMMANDS_DLQ)


class CatalogService:
    """`view_topics` maps each kind to its topic (tests give their own names)."""

    def __init__(
        self,
        settings: Settings,
        view_topics: Mapping[str, str] = VIEW_TOPICS,
        command_topics: Sequence[str] = COMMAND_TOPICS,
    ) -> None:
        self.settings, self.view_topics, self.command_topics = settings, view_topics, command_topics
        self.pool: asyncpg.Pool | None = None
        self.relay: Relay | None = None
        self._relay_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Migrate, create the topics, import what CATALOG_IMPORT_ON_START names; then the relay runs."""
        settings = self.settings
        self.pool = pool = await asyncpg.create_pool(settings.postgres_dsn, min_size=2, max_size=10)
        async with pool.acquire() as conn:
            applied = await migrate(conn)
            log.info("migrated", extra={"applied": applied})
            folder = import_folder_for(settings.import_on_start)
            if folder is not None:
                result = await import_folder(conn, folder)
                if result.problems:
                    raise RuntimeError(f"the start-up import of {folder} failed: {result.problems[:5]}")
                log.info(
                    "imported", extra={"folder": str(folder), "rows": result.rows, "changed": result.changed}
                )
        await create_compacted_topics(settings.kafka_bootstrap_servers, self.view_topics.values())
        await create_topics(settings.kafka_bootstrap_servers, self.command_topics)
        self.relay = Relay(pool, settings.kafka_bootstrap_servers, self.view_topics)
        self._relay_task = asyncio.create_task(self.relay.run(), name="catalog-relay")

    async def stop(self) -> None:
        if self.relay is not None and self._relay_task is not None:
            self.relay.stop()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._relay_task, 10)  # cancelled after 10 s: it republishes on start
        if self.pool is not None:
            await self.pool.close()

    def database(self) -> asyncpg.Pool:
        if self.pool is None:
            raise RuntimeError("the catalog has not started")
        return self.pool

    def nudge(self) -> None:
        """A change was committed: the relay publishes it now."""
        if self.relay is not None:
            self.relay.nudge()

    @property
    def relay_running(self) -> bool:
        return self._relay_task is not None and not self._relay_task.done()
