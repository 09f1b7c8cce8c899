"""Send stored events to Kafka again, exactly as the outbox relay did (store/relay.py's to_message): for a
consumer that lost its data, or a topic that was recreated. Consumers see these events a second time."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiokafka import AIOKafkaProducer

from order_draft.store import Checkpoint, EventStore, RecordedEvent
from order_draft.store.relay import to_message

_VISIBLE = "transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
_AFTER = "(transaction_id, global_position) > ($1::bigint::text::xid8, $2)"
FIRST_AT = (
    "SELECT transaction_id::text::bigint, global_position FROM events WHERE recorded_at >= $1 "
    "ORDER BY transaction_id, global_position LIMIT 1"
)
LAST = (
    f"SELECT transaction_id::text::bigint, global_position FROM events WHERE {_VISIBLE} "
    "ORDER BY transaction_id DESC, global_position DESC LIMIT 1"
)
COUNT = f"SELECT count(*) FROM events WHERE {_AFTER} AND {_VISIBLE}"


async def select(
    store: EventStore, start: Checkpoint | dt.datetime, stream: str | None
) -> tuple[Checkpoint, Checkpoint, int]:
    """(after, last, count): send the events after `after` up to `last` (what is readable now)."""
    if isinstance(start, dt.datetime):
        first = await store.pool.fetchrow(FIRST_AT, start)
        if first is None:
            return Checkpoint(), Checkpoint(), 0
        after = Checkpoint(first[0], first[1] - 1)  # just before the first event recorded since then
    else:
        after = start
    last_row = await store.pool.fetchrow(LAST)
    last = Checkpoint(*last_row) if last_row else Checkpoint()
    if stream is not None:
        count = await store.pool.fetchval(
            f"SELECT count(*) FROM events WHERE {_AFTER} AND {_VISIBLE} AND stream_id = $3",
            after.transaction_id,
            after.global_position,
            stream,
        )
    else:
        count = await store.pool.fetchval(COUNT, after.transaction_id, after.global_position)
    return after, last, int(count)


async def pages(
    store: EventStore, after: Checkpoint, last: Checkpoint, stream: str | None, page: int = 1000
) -> AsyncIterator[list[RecordedEvent]]:
    """The events to send, page by page, in the global order (per stream, that is version order)."""
    if stream is not None:
        events = [e for e in await store.read_stream(stream) if after < e.checkpoint <= last]
        for i in range(0, len(events), page):
            yield events[i : i + page]
        return
    scan = store.read_all_pages(after, page)  # the next page is read while this one is sent
    try:
        async for events in scan:
            chosen = [e for e in events if e.checkpoint <= last]
            if chosen:
                yield chosen
            if len(chosen) < len(events):
                return
    finally:
        await scan.aclose()


async def republish(
    store: EventStore,
    bootstrap_servers: str,
    topic: str,
    start: Checkpoint | dt.datetime,
    stream: str | None = None,
    on_total: Callable[[int], None] = lambda n: None,
    on_sent: Callable[[int], None] = lambda n: None,
) -> dict[str, Any]:
    """Send every matching event to `topic` (key = stream id, the relay's value and headers); each page is
    acknowledged (acks=all) before the next is read."""
    after, last, total = await select(store, start, stream)
    on_total(total)
    since = start if isinstance(start, dt.datetime) else None
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, enable_idempotence=True, acks="all")
    await producer.start()
    sent, first, final = 0, None, None
    try:
        async for page in pages(store, after, last, stream):
            chosen = [e for e in page if since is None or e.recorded_at >= since]
            acks = [await producer.send(topic, m[1], key=m[0], headers=m[2]) for m in map(to_message, chosen)]
            await asyncio.gather(*acks)
            if chosen:
                first, final = first or _point(chosen[0]), _point(chosen[-1])
            sent += len(chosen)
            on_sent(len(page))
    finally:
        await producer.stop()
    return {"topic": topic, "sent": sent, "first": first, "last": final}


def _point(event: RecordedEvent) -> str:
    return f"{event.transaction_id}:{event.global_position}"
