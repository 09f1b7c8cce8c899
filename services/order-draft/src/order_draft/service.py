"""The running parts of order-draft, started and stopped together: the event store, the catalog copy
and its follower, the command consumer with its handler, the outbox relay to Kafka, and the drafts read
model (projections) with its relay to the compacted drafts topic, and the read side's query consumer
(http.over_kafka: the HTTP queries over Kafka).

The command consumer is aiokafka, not a FastStream subscriber: a batch is committed to PostgreSQL as
one transaction and its offsets are then committed explicitly. FastStream's Kafka acknowledgement commits
every position fetched so far (aiokafka#929, faststream#2618), which in batches would acknowledge
commands whose events are not yet stored. FastStream still serves the HTTP side and the AsyncAPI docs.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging

from contracts import topics
from order_draft.catalog_copy import CatalogCopy, CatalogFollower
from order_draft.config import Settings
from order_draft.handlers.batch import CommandHandler
from order_draft.handlers.processor import CommandProcessor, Topics
from order_draft.http.over_kafka import QueryConsumer, answer
from order_draft.kafka.topics import ensure_topics
from order_draft.projections import SUBSCRIPTION as DRAFTS_SUBSCRIPTION
from order_draft.projections import drafts_subscription
from order_draft.projections.drafts import LatestDrafts
from order_draft.projections.drafts_relay import DraftsRelay
from order_draft.store import EventStore, Subscription, checkpoints
from order_draft.store.migrations import STORE
from order_draft.store.relay import KafkaRelay

log = logging.getLogger("order_draft")
READ_SIDE_SETTLE = 0.05  # seconds; see Subscription(settle=)
PARTS = (STORE, "order_draft.catalog_copy", "order_draft.handlers", "order_draft.projections")
COMMAND_PARTITIONS = 6
GC_YOUNG, GC_MIDDLE, GC_OLD = 10_000, 5, 100  # gc.set_threshold: see _freeze_startup_objects
# Events after a checkpoint in the global order (those behind a still-open writer included).
# Counted along the global-order index and capped: a plain count(*) with the row comparison is planned
# as a sequential scan of the whole log (generic plan), on every /ready and /metrics.
LAG_CAP = 100_000
LAG = (
    "SELECT count(*) FROM (SELECT 1 FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2) "
    f"ORDER BY transaction_id, global_position LIMIT {LAG_CAP}) AS behind"
)


class Service:
    def __init__(
        self, settings: Settings, *, topic_prefix: str | None = None, group_id: str | None = None
    ) -> None:
        self.settings = settings
        topic_prefix = settings.kafka_topic_prefix if topic_prefix is None else topic_prefix
        self.topics = Topics(
            topic_prefix + topics.ORDER_DRAFT_COMMANDS,
            topic_prefix + topics.ORDER_DRAFT_REPLIES,
            topic_prefix + topics.ORDER_DRAFT_COMMANDS_DLQ,
        )
        self.events_topic = topic_prefix + topics.ORDER_DRAFT_EVENTS
        self.drafts_topic = topic_prefix + topics.ORDER_DRAFT_DRAFTS
        self.queries_topic = topic_prefix + topics.ORDER_DRAFT_QUERIES
        self.query_replies_topic = topic_prefix + topics.ORDER_DRAFT_QUERY_REPLIES
        self.topic_prefix = topic_prefix
        self.group_id = group_id or f"{topic_prefix}order-draft"
        self.copy = CatalogCopy()
        self.store: EventStore | None = None
        self.follower: CatalogFollower | None = None
        self.processor: CommandProcessor | None = None
        self.relay: KafkaRelay | None = None
        self.drafts: Subscription | None = None  # the drafts read model (projections.drafts)
        self.drafts_relay: DraftsRelay | None = None
        self.queries: QueryConsumer | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        bootstrap = self.settings.kafka_bootstrap_servers
        await ensure_topics(
            bootstrap, [self.topics.commands, self.queries_topic], partitions=COMMAND_PARTITIONS
        )
        await ensure_topics(
            bootstrap,
            [self.topics.replies, self.topics.dead_letters, self.events_topic, self.query_replies_topic],
        )
        await ensure_topics(bootstrap, [self.drafts_topic], compact=True)
        store = self.store = await EventStore.connect(
            self.settings.postgres_dsn, migrations=PARTS, max_size=20
        )
        loaded = await self.copy.load(store.pool)
        log.info("catalog copy loaded", extra={"records": loaded, "revision": self.copy.revision})
        self.follower = CatalogFollower(store.pool, self.copy, bootstrap, topic_prefix=self.topic_prefix)
        handler = CommandHandler(store, self.copy, self.topics.replies)
        self.processor = CommandProcessor(bootstrap, self.topics, handler, group_id=self.group_id)
        # The read side steps at most every READ_SIDE_SETTLE while live, each step taking the events of
        # every commit since: stepping per commit cost its process ~0.5 cores at 500 commands/s.
        self.relay = KafkaRelay(store, bootstrap, self.events_topic, settle=READ_SIDE_SETTLE)
        latest = LatestDrafts()  # what the projection wrote, shared with the drafts relay
        self.drafts = drafts_subscription(store, settle=READ_SIDE_SETTLE, latest=latest)
        self.drafts_relay = DraftsRelay(
            store, bootstrap, self.drafts_topic, settle=READ_SIDE_SETTLE, latest=latest
        )
        self.queries = QueryConsumer(
            bootstrap,
            self.queries_topic,
            self.query_replies_topic,
            lambda query: answer(store, self.copy, query),
            group_id=f"{self.group_id}-queries",
        )
        roles = self.settings.roles
        parts = [("catalog follower", self.follower.run)]
        if "commands" in roles:
            parts.append(("command processor", self.processor.run))
        if "read" in roles:
            parts += [
                ("outbox relay", self.relay.run),
                (DRAFTS_SUBSCRIPTION, self.drafts.run),
                ("drafts relay", self.drafts_relay.run),
                ("query consumer", self.queries.run),
            ]
        for name, run in parts:
            task = asyncio.create_task(run(), name=name)
            task.add_done_callback(_report_end)
            self._tasks.append(task)
        _freeze_startup_objects()

    @property
    def ready(self) -> bool:
        roles = self.settings.roles
        return (
            self.follower is not None
            and self.follower.caught_up.is_set()
            and ("commands" not in roles or (self.processor is not None and self.processor.ready.is_set()))
            and ("read" not in roles or (self.queries is not None and self.queries.ready.is_set()))
            and bool(self._tasks)
            and all(not t.done() for t in self._tasks)
        )

    @property
    def projecting(self) -> bool:
        """The drafts projection's task is running (it retries database errors itself); true in a
        process without the read role, which leaves the projection to another."""
        if "read" not in self.settings.roles:
            return True
        return any(t.get_name() == DRAFTS_SUBSCRIPTION and not t.done() for t in self._tasks)

    async def projection_lag(self) -> int:
        """Events the drafts projection has not applied yet (at most LAG_CAP): after its stored checkpoint
        (the one in PostgreSQL, right also while another instance holds the projection's lock)."""
        assert self.store is not None, "start() the service first"
        async with self.store.pool.acquire() as conn:
            at = await checkpoints.load(conn, DRAFTS_SUBSCRIPTION)
            return int(await conn.fetchval(LAG, at.transaction_id, at.global_position))

    async def stop(self) -> None:
        parts = (self.processor, self.queries, self.follower, self.relay, self.drafts, self.drafts_relay)
        for part in parts:
            if part is not None:
                part.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 15)
        if self.store is not None:
            await self.store.close()


def _freeze_startup_objects() -> None:
    """Fewer and shorter pauses of the cyclic garbage collector, which stops the event loop while it runs.

    With the default thresholds a draft's state (kept in memory until its next command, a second or
    so) outlived two young collections and was promoted to the oldest generation, so full collections
    came every few seconds, each scanning the whole heap to find nothing (collected=0) and holding the
    loop 150-700 ms: the p99 of the command path (docs/commands.md). A young collection now comes after
    10,000 net allocations instead of 700 (a pause of a few milliseconds, every second or so under
    load), a middle one after 5 of those (its pause grows with the survivors it holds), and a full one
    after 100 middle ones instead of 10, so such objects are mostly freed by their reference count
    before a full collection sees them; what startup made (modules, the catalog copy) is frozen, out of
    every scan.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG, GC_MIDDLE, GC_OLD)


def _report_end(task: asyncio.Task[None]) -> None:
    """A part that ends by itself is a failure: say which and why (readiness turns false too)."""
    if not task.cancelled() and task.exception() is not None:
        log.error("%s stopped", task.get_name(), exc_info=task.exception())
