"""The read side over Kafka: `GetDraft`, `GetOrders`, `GetScreen` (contracts.order_draft.queries) on
`order-draft.queries.v1`, answered with `QueryResult` (the HTTP route's 200 body) or `QueryFailed` (its code,
message and status) on the query's `reply_to`, keyed by and with the header `correlation_id`.

The same functions as the HTTP routes answer (views.get_draft, get_orders, get_screen): the query's actor
stands for the gateway's X-User-Id/X-Customer-Id headers (the producing service is trusted like the
gateway), and the role is looked up in the catalog copy as over HTTP.

Queries change nothing, so offsets are auto-committed: a query lost in a crash is sent again by its client
(RequestClient resends after its timeout). A new consumer group starts at the earliest offset (nothing sent
before its partitions are assigned is lost) and skips queries older than `max_age` (their client gave up).
A query that cannot be read is answered BAD_QUERY when it names a correlation id, else dropped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from pydantic import TypeAdapter, ValidationError

from contracts.envelope import reply_envelope
from contracts.order_draft.queries import (
    GetDraft,
    GetOrders,
    GetScreen,
    OrderDraftQuery,
    Query,
    QueryFailed,
    QueryResult,
)
from order_draft import metrics
from order_draft.catalog_copy import CatalogCopy
from order_draft.http.views import get_draft, get_orders, get_screen
from order_draft.store import EventStore

log = logging.getLogger(__name__)
_QUERIES: TypeAdapter[Any] = TypeAdapter(OrderDraftQuery)
QueryReply = QueryResult | QueryFailed


async def answer(store: EventStore, copy: CatalogCopy, query: Query) -> QueryReply:
    """The reply to one query: what the HTTP route answers, as a message."""
    actor = query.actor
    headers = {"x-user-id": actor.user_id or "", "x-customer-id": actor.customer_id or ""}
    envelope = reply_envelope(query)
    if isinstance(query, GetDraft):
        params = {"id": str(query.draft_id)}
        if query.version is not None:
            params["version"] = str(query.version)
        if query.at is not None:
            params["at"] = query.at.isoformat()
        status, body = await get_draft(store, copy, headers, params)
    elif isinstance(query, GetOrders | GetScreen):
        view = get_orders if isinstance(query, GetOrders) else get_screen
        status, body = await view(store, copy, headers, {"site": query.site})
    else:
        status, body = 400, {"code": "BAD_QUERY", "message": f"No query {query.type!r}."}
    if status == 200:
        return QueryResult(**envelope, query=query.type, body=body)
    return QueryFailed(**envelope, code=body["code"], message=body["message"], status=status)


Answer = Callable[[Query], Awaitable[QueryReply]]


class QueryConsumer:
    def __init__(
        self,
        bootstrap_servers: str,
        queries_topic: str,
        replies_topic: str,
        answer: Answer,
        *,
        group_id: str,
        max_batch: int = 200,
        concurrency: int = 8,
        max_age: dt.timedelta = dt.timedelta(seconds=60),
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.queries_topic = queries_topic
        self.replies_topic = replies_topic  # when a query names no reply_to
        self.answer = answer
        self.group_id = group_id
        self.max_batch = max_batch
        self.max_age = max_age
        self.ready = asyncio.Event()  # set once partitions are assigned
        self.answered = 0
        self._limit = asyncio.Semaphore(concurrency)  # the pool is shared with commands and projections
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            self.queries_topic,
            bootstrap_servers=self.bootstrap_servers,
            group_id=self.group_id,
            enable_auto_commit=True,
            auto_offset_reset="earliest",
            max_poll_records=self.max_batch,
        )
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap_servers, acks=1, linger_ms=1)
        await producer.start()
        await consumer.start()
        try:
            while not self._stopping.is_set():
                pages = await consumer.getmany(timeout_ms=100, max_records=self.max_batch)
                if consumer.assignment():
                    self.ready.set()
                records = [record for page in pages.values() for record in page]
                if records:
                    sends = await asyncio.gather(*(self._reply(producer, r) for r in records))
                    await asyncio.gather(*(s for s in sends if s is not None))
        finally:
            await consumer.stop()
            await producer.stop()

    async def _reply(
        self, producer: AIOKafkaProducer, record: ConsumerRecord[bytes, bytes]
    ) -> asyncio.Future[Any] | None:
        headers = {k: v.decode(errors="replace") for k, v in record.headers}
        try:
            query = _QUERIES.validate_json(record.value or b"")
        except ValidationError as error:
            return await self._unreadable(producer, headers, str(error))
        if dt.datetime.now(dt.UTC) - query.occurred_at > self.max_age:
            metrics.QUERIES.labels(query.type, "stale").inc()
            return None
        async with self._limit:
            try:
                reply = await self.answer(query)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("query failed", extra={"type": query.type, "error": repr(error)})
                reply = _failed(query, 503, "UNAVAILABLE", "The read model is not reachable; try again.")
            except Exception:
                log.exception("query failed", extra={"type": query.type})
                reply = _failed(query, 500, "INTERNAL", "The query failed.")
        outcome = "ok" if isinstance(reply, QueryResult) else reply.code
        metrics.QUERIES.labels(query.type, outcome).inc()
        self.answered += 1
        return await self._send(producer, query.reply_to or self.replies_topic, reply)

    async def _unreadable(
        self, producer: AIOKafkaProducer, headers: dict[str, str], reason: str
    ) -> asyncio.Future[Any] | None:
        metrics.QUERIES.labels("unreadable", "BAD_QUERY").inc()
        try:
            correlation = uuid.UUID(headers.get("correlation_id", ""))
        except ValueError:
            log.warning("unreadable query without a correlation id dropped", extra={"reason": reason[:300]})
            return None
        reply = QueryFailed(correlation_id=correlation, code="BAD_QUERY", message=reason[:2000], status=400)
        return await self._send(producer, headers.get("reply_to") or self.replies_topic, reply)

    async def _send(self, producer: AIOKafkaProducer, topic: str, reply: QueryReply) -> asyncio.Future[Any]:
        correlation = str(reply.correlation_id).encode()
        headers = [("correlation_id", correlation), ("type", reply.type.encode())]
        return await producer.send(topic, reply.model_dump_json().encode(), key=correlation, headers=headers)

    def stop(self) -> None:
        self._stopping.set()


def _failed(query: Query, status: int, code: str, message: str) -> QueryFailed:
    return QueryFailed(**reply_envelope(query), code=code, message=message, status=status)
