"""The latest state of every draft on the compacted topic `order-draft.drafts.v1` (key: draft id).

An after-read subscription like the events relay (store/relay.py): its checkpoint moves only after the
broker acknowledged the page; at-least-once, which a compacted topic of latest states absorbs. For each
draft a page touches it sends the draft after the page's last event of it: from `draft_rows` when the
projection has got that far, else folded from the stream (the two subscriptions run independently).

The message carries money (the full view): the topic is for services, which must cut it down to what
their user's role may see (see `handlers.replies.wire_draft`).
"""

from __future__ import annotations

import asyncio

import orjson
from aiokafka.errors import KafkaError

from contracts.order_draft.drafts import DraftView
from order_draft.domain import EVENT_TYPES, Role, fold
from order_draft.domain.state import Draft
from order_draft.handlers.replies import wire_draft
from order_draft.projections.drafts import DRAFT_ROWS, draft_id_of
from order_draft.projections.state import draft_from_json
from order_draft.store import EventStore, RecordedEvent
from order_draft.store.relay import KafkaRelay


class DraftsRelay(KafkaRelay):
    def __init__(self, store: EventStore, bootstrap_servers: str, topic: str) -> None:
        super().__init__(store, bootstrap_servers, topic, batch_size=1000)
        self.store = store

    async def latest(self, events: list[RecordedEvent]) -> list[Draft]:
        """Each touched draft as of the page's last event of it."""
        wanted: dict[str, int] = {}
        for event in events:
            if (draft_id := draft_id_of(event.stream_id)) is not None:
                wanted[draft_id] = event.stream_version
        rows = await self.store.pool.fetch(
            f"SELECT draft_id, version, state FROM {DRAFT_ROWS} WHERE draft_id = ANY($1::text[])",
            list(wanted),
        )
        found = {r[0]: draft_from_json(orjson.loads(r[2])) for r in rows if r[1] >= wanted[r[0]]}
        drafts = []
        for draft_id, version in wanted.items():
            draft = found.get(draft_id) or await self._fold(draft_id, version)
            if draft is not None:
                drafts.append(draft)
        return drafts

    async def _fold(self, draft_id: str, version: int) -> Draft | None:
        events = await self.store.read_stream(f"draft-{draft_id}")
        domain = [EVENT_TYPES[e.type].from_payload(e.payload) for e in events if e.stream_version <= version]
        return fold(None, domain)

    async def _publish(self, events: list[RecordedEvent]) -> None:
        drafts = await self.latest(events)
        if not drafts:
            return
        try:
            producer = await self._producer_ready()
            sent = []
            for draft in drafts:
                value = DraftView(draft=wire_draft(draft, Role.L90)).model_dump_json().encode()
                sent.append(await producer.send(self.topic, value, key=draft.draft_id.encode()))
            await asyncio.gather(*sent)  # acknowledged before the checkpoint moves
        except KafkaError as error:
            await self._drop_producer()
            raise RuntimeError(f"publishing to {self.topic} failed: {error!r}") from error
