from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from order_draft.store import EventStore


@pytest.fixture
async def store(database_dsn: str) -> AsyncIterator[EventStore]:
    """An event store on a fresh database of the real PostgreSQL."""
    opened = await EventStore.connect(database_dsn, min_size=2, max_size=25)
    yield opened
    await opened.close()
