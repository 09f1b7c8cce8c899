"""Fixtures of the operations tool's tests: a store on a fresh database, and `order-draft` run as an
operator would run it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from typer.testing import CliRunner, Result

from order_draft.cli import app
from order_draft.service import PARTS
from order_draft.store import EventStore


@pytest.fixture
async def store(database_dsn: str) -> AsyncIterator[EventStore]:
    opened = await EventStore.connect(database_dsn, migrations=PARTS)
    yield opened
    await opened.close()


Cli = Callable[..., Awaitable[Result]]


@pytest.fixture
def cli() -> Cli:
    """`await cli("show", "D1", "--json")`: the command run in a thread (it runs its own event loop)."""

    async def invoke(*args: str) -> Result:
        return await asyncio.to_thread(CliRunner().invoke, app, list(args))

    return invoke
