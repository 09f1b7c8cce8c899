"""The command loop and the read side in two processes (ORDER_DRAFT_ROLES): commands are answered by
one, the drafts read model is kept by the other."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from command_client import CommandClient

from conftest import RECORDS, publish_catalog
from contracts.envelope import Actor
from contracts.order_draft import commands as c
from infra.pytest_plugin import unique
from order_draft.config import Settings
from order_draft.service import Service


async def test_a_commands_process_and_a_read_process_share_the_work(
    database_dsn: str, kafka_bootstrap: str
) -> None:
    prefix = unique("split") + "."
    await publish_catalog(kafka_bootstrap, prefix, RECORDS, revision=1)
    base = Settings(
        kafka_bootstrap_servers=kafka_bootstrap, postgres_dsn=database_dsn, kafka_topic_prefix=prefix
    )
    commands = Service(Settings(**{**base.__dict__, "roles": frozenset({"commands"})}))
    read = Service(Settings(**{**base.__dict__, "roles": frozenset({"read"})}))
    await commands.start()
    await read.start()
    try:
        for _ in range(600):
            if commands.ready and read.ready:
                break
            await asyncio.sleep(0.05)
        assert commands.ready
        assert read.ready
        assert {t.get_name() for t in commands._tasks} == {"catalog follower", "command processor"}
        assert "command processor" not in {t.get_name() for t in read._tasks}
        async with CommandClient(kafka_bootstrap, commands.topics.commands, prefix + "replies") as client:
            actor = Actor(user_id="U1", customer_id="C1")
            opened = await client.send(c.OpenDraft(actor=actor, site="S1"))
            draft_id = opened["draft_id"]
            added = await client.send(
                c.AddLine(actor=actor, site="S1", draft_id=draft_id, product_code="A100", quantity=Decimal(2))
            )
        assert added["type"] == "Accepted"
        assert read.store is not None
        for _ in range(200):  # the read process projects what the commands process wrote
            version = await read.store.pool.fetchval(
                "SELECT version FROM draft_rows WHERE draft_id = $1", draft_id
            )
            if version == added["version"]:
                break
            await asyncio.sleep(0.05)
        assert version == added["version"]
    finally:
        await read.stop()
        await commands.stop()
