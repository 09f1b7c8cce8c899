"""The latest state of every draft on the compacted topic `order-draft.drafts.v1` (key: draft id).

An after-read subscription like the events relay (store/relay.py): its checkpoint moves only after the
broker acknowledged the page; at-least-once, which a compacted topic of latest states absorbs. For each
draft a page touches it sends the draft as `draft_rows` holds it. The relay follows the drafts projection
(it never passes its checkpoint), so the row is there, at that version or a later one (a later state is
what a topic of latest states wants anyway). Folding the stream instead, when the relay ran ahead of the
projection, read a draft's whole history per publish: the read side's largest cost under load. With the
projection's memory (`LatestDrafts`), a row at the version remembered is not even parsed: only the
versions are read.

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
from order_draft.projections.drafts import DRAFT_ROWS, SUBSCRIPTION, LatestDrafts, draft_id_of
from order_draft.projections.state import draft_from_json
from order_draft.store import EventStore, RecordedEvent
from order_draft.store.relay import KafkaRelay


class DraftsRelay(KafkaRelay):
    def __init__(
        self,
        store: EventStore,
        bootstrap_servers: str,
        topic: str,
        settle: float = 0.0,
        latest: LatestDrafts | None = None,
    ) -> None:
        super().__init__(store, bootstrap_servers, topic, batch_size=1000, behind=SUBSCRIPTION, settle=settle)
        self.store = store
        self.latest_drafts = latest if latest is not None else LatestDrafts(capacity=0)

    async def latest(self, events: list[RecordedEvent]) -> list[Draft]:
        """Each touched draft as of the page's last event of it."""
        wanted: dict[str, int] = {}
        for event in events:
            if (draft_id := draft_id_of(event.stream_id)) is not None:
                wanted[draft_id] = event.stream_version
        found = await self._rows(wanted)
        drafts = []
        for draft_id, version in wanted.items():
            # A row behind the page only when draft_rows was rebuilt meanwhile: fold, then.
            draft = found.get(draft_id) or await self._fold(draft_id, version)
            if draft is not None:
                drafts.append(draft)
        return drafts

    async def _rows(self, wanted: dict[str, int]) -> dict[str, Draft]:
        """The rows at or past the wanted versions: from the projection's memory, else parsed."""
        ids = list(wanted)
        rows = await self.store.pool.fetch(
            f"SELECT draft_id, version FROM {DRAFT_ROWS} WHERE draft_id = ANY($1::text[])", ids
        )
        found: dict[str, Draft] = {}
        parse = []
        for draft_id, version in rows:
            if version < wanted[draft_id]:
                continue
            remembered = self.latest_drafts.get(draft_id, version)
            if remembered is not None and remembered.draft is not None:
                found[draft_id] = remembered.draft
            else:
                parse.append(draft_id)
        if parse:
            rows = await self.store.pool.fetch(
                f"SELECT draft_id, version, state FROM {DRAFT_ROWS} WHERE draft_id = ANY($1::text[])", parse
            )
            found.update({r[0]: draft_from_json(orjson.loads(r[2])) for r in rows if r[1] >= wanted[r[0]]})
        return found

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
