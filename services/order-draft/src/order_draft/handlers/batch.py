"""Deciding a batch of commands and committing it as one transaction (group commit).

For each command, in the order received: answer a command id seen before with its stored reply; else
map it to the domain, load its draft (memory, or its events), build the catalog facts it needs, decide,
and fold the new events into a working copy, so the next command of the same draft in this batch decides
on them. Then one transaction appends every command's events with its command id and reply (a rejection
is stored too: a retried command gets the same answer; an acceptance is stored without its draft, which
is rebuilt from the events up to its version for a retry) and moves the active-draft rows. One fsync for
the whole batch. If anything in it conflicts (another writer, a stale memory, a repeated command id), the
transaction is rolled back and each command is decided again on its own, on the stored events.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson

from contracts.order_draft.replies import Accepted
from order_draft import metrics
from order_draft.catalog_copy import CatalogCopy
from order_draft.domain import decide, fold
from order_draft.domain.events import DraftOpened, OrderPlaced
from order_draft.domain.rejections import Rejection
from order_draft.domain.state import Draft
from order_draft.handlers import drafts as stored_drafts
from order_draft.handlers import replies
from order_draft.handlers.drafts import Drafts, active_draft, document_numbers, stream_of
from order_draft.handlers.facts import build_facts
from order_draft.handlers.mapping import to_domain
from order_draft.handlers.processor import Reply
from order_draft.store import ANY, Append, AppendResult, EventStore, NewEvent

log = logging.getLogger(__name__)
# Commands decided between two yields to the event loop: a 500-command batch decided in one step held
# the loop (and the previous batch's replies, the fetcher, the heartbeats) for hundreds of milliseconds.
YIELD_EVERY = 25


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class _Batch:
    """What one batch decided, before it is committed."""

    appends: list[Append] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    drafts: dict[str, Draft] = field(default_factory=dict)  # draft id -> state after this batch
    opened: dict[tuple[str, str], str] = field(default_factory=dict)  # (site, customer) -> new draft
    closed: set[tuple[str, str]] = field(default_factory=set)  # pairs whose active draft was placed
    answered: dict[str, Reply] = field(default_factory=dict)  # command id -> reply, within the batch
    priced: dict[str, tuple[int, int, dt.datetime]] = field(default_factory=dict)  # see CommandHandler
    overlay: _Batch | None = None  # while deciding: the batch before, decided and not committed yet


@dataclass(frozen=True)
class Prepared:
    """A batch decided by `CommandHandler.prepare` (or left to decide at commit: `batch` None)."""

    commands: Sequence[Any]
    batch: _Batch | None
    generation: int


class CommandHandler:
    def __init__(
        self,
        store: EventStore,
        copy: CatalogCopy,
        replies_topic: str,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.store = store
        self.copy = copy
        self.replies_topic = replies_topic
        self.clock = clock
        self.drafts = Drafts(store)
        # draft id -> (version, catalog changes, slot) of the state this handler last produced: a draft
        # still at that version, with the catalog copy unchanged, in the same quarter hour of UTC (every
        # time zone in use is offset by whole quarter hours, so a day starts on a slot's edge: same slot,
        # same day on every site's calendar) was priced against the same facts and need not be repriced
        # line by line.
        self._priced: dict[str, tuple[int, int, dt.datetime]] = {}
        # Pipelining (prepare/commit): the batch decided and not yet committed, which the next batch is
        # decided on top of; and a count of fallbacks, which void every batch prepared before them.
        self._uncommitted: _Batch | None = None
        self._undecided_ahead = False  # the batch before is only decided at its commit
        self._generation = 0

    async def prepare(self, commands: Sequence[Any]) -> Prepared:
        """Decide a batch while the one before it may still be committing (on top of its drafts). A batch
        with OpenDraft is only decided at `commit`: it looks up active drafts and command ids in the
        store, which the batch before must have reached first."""
        if self._undecided_ahead or any(type(c).__name__ == "OpenDraft" for c in commands):
            self._undecided_ahead = True
            return Prepared(commands, None, self._generation)
        generation, overlay = self._generation, self._uncommitted
        batch = await self._decide(commands, lookup=False, overlay=overlay)
        if generation != self._generation:  # the batch before fell back meanwhile: decided on air
            return Prepared(commands, None, self._generation)
        self._uncommitted = batch
        return Prepared(commands, batch, generation)

    async def commit(self, prepared: Prepared) -> list[Reply]:
        """Commit a prepared batch (the one before it is committed by now); a batch prepared before a
        fallback, or not decided yet, is decided (again) here, on what is committed."""
        batch = prepared.batch
        try:
            if batch is None or prepared.generation != self._generation:
                self._undecided_ahead = False
                replies = await self(prepared.commands)
                self._generation += 1  # a batch prepared meanwhile did not see these decisions
                return replies
            try:
                return await self._finish(batch)
            except (ConflictInBatch, asyncpg.UniqueViolationError, asyncpg.SerializationError) as error:
                return await self._one_by_one(prepared.commands, error)
        except BaseException:
            self._generation += 1  # not committed: nothing decided on top of it stands
            raise
        finally:
            if self._uncommitted is batch:
                self._uncommitted = None

    async def __call__(self, commands: Sequence[Any]) -> list[Reply]:
        try:
            # A batch does not look its command ids up first (one round trip less per batch): a repeated
            # one is found by its append (outcome "duplicate"), which rolls the batch back and decides it
            # one by one, with the lookup. Repeats are rare (a client's retry, a replay after a crash).
            # OpenDraft does look up, not to draw a document number for a draft it opened before.
            lookup = any(type(c).__name__ == "OpenDraft" for c in commands)
            return await self._decide_and_commit(commands, lookup=lookup)
        except (ConflictInBatch, asyncpg.UniqueViolationError, asyncpg.SerializationError) as error:
            return await self._one_by_one(commands, error)

    async def _one_by_one(self, commands: Sequence[Any], error: Exception) -> list[Reply]:
        log.info("batch conflict; deciding one by one", extra={"error": repr(error), "size": len(commands)})
        self._generation += 1  # a batch prepared on top of this one is void
        self._uncommitted = None
        self.drafts.clear()
        self._priced.clear()
        out: list[Reply] = []
        for command in commands:
            out += await self._alone(command)
        return out

    async def _alone(self, command: Any, attempts: int = 5) -> list[Reply]:
        for attempt in range(attempts):
            try:
                return await self._decide_and_commit([command])
            except (ConflictInBatch, asyncpg.UniqueViolationError, asyncpg.SerializationError):
                self.drafts.clear()
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    async def _decide_and_commit(self, commands: Sequence[Any], *, lookup: bool = True) -> list[Reply]:
        return await self._finish(await self._decide(commands, lookup=lookup))

    async def _decide(
        self, commands: Sequence[Any], *, lookup: bool, overlay: _Batch | None = None
    ) -> _Batch:
        pool = self.store.pool
        ids = [str(c.command_id) for c in commands]
        query = "SELECT command_id, result FROM commands WHERE command_id = ANY($1)"
        stored = {r[0]: r[1] for r in await pool.fetch(query, ids)} if lookup else {}
        batch = _Batch(overlay=overlay)
        opening = [c for c in commands if type(c).__name__ == "OpenDraft" and str(c.command_id) not in stored]
        numbers = await document_numbers(pool, len(opening)) if opening else []
        actives = await self._actives(pool, opening)
        for i, command in enumerate(commands, 1):
            await self._decide_one(command, stored, batch, numbers, actives)
            if i % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # let the previous batch's replies and acknowledgements move
        batch.overlay = None  # decided: the batch before is not needed any more (nor kept alive)
        return batch

    async def _finish(self, batch: _Batch) -> list[Reply]:
        """Commit what the batch decided, then keep its drafts (only once committed: a rolled-back batch
        proves nothing)."""
        if batch.appends:
            await self._commit(batch)
        for draft in batch.drafts.values():
            self.drafts.remember(draft)
        self._priced.update(batch.priced)
        if len(self._priced) > 2 * self.drafts.capacity:
            self._priced.clear()
        return batch.replies

    async def _actives(self, pool: asyncpg.Pool, opening: list[Any]) -> dict[tuple[str, str], str]:
        pairs = {(c.site, c.actor.customer_id or "") for c in opening}
        found = {}
        for site, customer in pairs:
            draft_id = await active_draft(pool, site, customer)
            if draft_id is not None:
                found[(site, customer)] = draft_id
        return found

    async def _decide_one(
        self,
        command: Any,
        stored: dict[str, str],
        batch: _Batch,
        numbers: list[str],
        actives: dict[tuple[str, str], str],
    ) -> None:
        command_id = str(command.command_id)
        if command_id in stored or command_id in batch.answered:
            previous = batch.answered.get(command_id)
            batch.replies.append(previous or await self._stored_reply(command, stored[command_id]))
            metrics.count_command(command.type, "duplicate")
            return
        pair = (command.site, command.actor.customer_id or "")
        is_open = type(command).__name__ == "OpenDraft"
        if is_open:
            draft_id = batch.opened.get(pair) or (None if pair in batch.closed else actives.get(pair))
            fresh = {"new_draft_id": str(uuid.uuid4()), "document_number": numbers.pop(0)}
            domain_command = to_domain(command, self.clock(), **fresh)
        else:
            draft_id = str(command.draft_id)
            domain_command = to_domain(command, self.clock())
        state = await self._state(draft_id, batch) if draft_id else None
        facts = build_facts(self.copy, domain_command, state)
        slot = _quarter_hour(domain_command.at)
        key = (state.version, self.copy.changes, slot) if state is not None else None
        current = state is not None and self._priced_key(state.draft_id, batch) == key
        try:
            decision: Any = decide(domain_command, state, facts, priced_with_these_facts=current)
        except Exception as error:  # a bug must not stop the partition: answer, log, store nothing else
            log.exception("decision failed", extra={"command_id": command_id})
            decision = error
        events = [] if isinstance(decision, Exception) else _events_of(decision)
        after = fold(state, events) if events else state
        if isinstance(decision, Exception):
            wire_reply: Any = replies.failed(command, decision)
        elif isinstance(decision, Rejection):
            wire_reply = replies.rejected(command, decision)
        else:
            assert after is not None
            wire_reply = replies.accepted(command, after, facts.access.role if facts.access else None)
        # Serialised once, by pydantic-core straight to JSON (4.5 KB with 10 lines); building it twice was
        # 8 % of the CPU. An acceptance is stored without its draft (see _stored_reply): the draft is
        # most of its bytes, and PostgreSQL parsed, compressed and logged them for every command.
        text = wire_reply.model_dump_json()
        result = text
        if isinstance(wire_reply, Accepted):
            money = replies.shows_money(facts.access.role if facts.access else None)
            reply = orjson.Fragment(wire_reply.model_dump_json(exclude={"draft"}))
            result = orjson.dumps({"money": money, "reply": reply}).decode()
        target = after.draft_id if after is not None else None
        stream = stream_of(target) if target else f"pair-{pair[0]}|{pair[1]}"
        batch.appends.append(
            Append(
                stream,
                [self._new_event(e, command) for e in events],
                expected_version=(state.version if state is not None else 0) if events else ANY,
                command_id=command_id,
                result=orjson.Fragment(result),  # type: ignore[arg-type]  # JSON as is: the store dumps it verbatim
            )
        )
        for event in events:
            if isinstance(event, DraftOpened):
                batch.opened[pair] = event.draft_id
            elif isinstance(event, OrderPlaced):
                batch.closed.add(pair)
                batch.opened.pop(pair, None)
        if after is not None and events:
            batch.drafts[after.draft_id] = after
        if after is not None and isinstance(decision, list):  # accepted: it went through repricing
            batch.priced[after.draft_id] = (after.version, self.copy.changes, slot)
        reply = self._reply(command, text.encode(), wire_reply.type)
        outcome = "accepted" if wire_reply.type == "Accepted" else f"rejected:{wire_reply.code}"
        metrics.count_command(command.type, outcome)
        log.debug(
            "decided",
            extra={
                "command_id": command_id,
                "correlation_id": str(command.correlation_id),
                "outcome": outcome,
            },
        )
        batch.answered[command_id] = reply
        batch.replies.append(reply)

    async def _state(self, draft_id: str, batch: _Batch) -> Draft | None:
        found = batch.drafts.get(draft_id)
        if found is None and batch.overlay is not None:
            found = batch.overlay.drafts.get(draft_id)
        return found or await self.drafts.load(draft_id)

    def _priced_key(self, draft_id: str, batch: _Batch) -> tuple[int, int, dt.datetime] | None:
        if batch.overlay is not None and draft_id in batch.overlay.priced:
            return batch.overlay.priced[draft_id]
        return self._priced.get(draft_id)

    def _new_event(self, event: Any, command: Any) -> NewEvent:
        metadata = {
            "command_id": str(command.command_id),
            "correlation_id": str(command.correlation_id),
            "causation_id": str(command.message_id),
            "user_id": command.actor.user_id,
            "customer_id": command.actor.customer_id,
        }
        return NewEvent(event.event_type, event.to_payload(), event.schema_version, metadata)

    async def _stored_reply(self, command: Any, text: str) -> Reply:
        """A repeated command's first reply: a rejection as stored; an acceptance with the draft as it was
        at the stored version (the events up to it, folded), as the role then saw it."""
        stored = orjson.loads(text)
        if "reply" not in stored:  # a rejection (or an acceptance stored whole, by an older version)
            return self._reply(command, text.encode(), str(stored.get("type", "")))
        first = stored["reply"]
        events = await self.store.read_stream(stream_of(first["draft_id"]), limit=first["version"])
        draft = fold(None, stored_drafts.to_domain(events))  # type: ignore[arg-type]
        assert draft is not None, f"no events for the stored reply of {command.command_id}"
        wire = replies.wire_draft_with(draft, stored["money"]).model_dump_json()
        return self._reply(command, orjson.dumps({**first, "draft": orjson.Fragment(wire)}), first["type"])

    def _reply(self, command: Any, value: bytes, reply_type: str) -> Reply:
        topic = command.reply_to or self.replies_topic
        correlation = str(command.correlation_id).encode()
        headers = (("correlation_id", correlation), ("type", reply_type.encode()))
        return Reply(topic, correlation, value, headers)

    async def _commit(self, batch: _Batch) -> None:
        async with self.store.pool.acquire() as conn, conn.transaction():
            outcomes = await self.store.append_many(batch.appends, conn=conn)
            problems = [o for o in outcomes if not isinstance(o, AppendResult) or o.duplicate]
            if problems:
                raise ConflictInBatch(problems)
            for site, customer in batch.closed:
                await conn.execute(
                    "DELETE FROM active_drafts WHERE site = $1 AND customer = $2", site, customer
                )
            for (site, customer), draft_id in batch.opened.items():
                await conn.execute(
                    "INSERT INTO active_drafts (site, customer, draft_id) VALUES ($1, $2, $3)",
                    site,
                    customer,
                    draft_id,
                )
        self.store.appended()


class ConflictInBatch(Exception):
    """Some append of the batch met another writer; the batch is rolled back and decided again."""


def _quarter_hour(at: dt.datetime) -> dt.datetime:
    return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)


def _events_of(decision: Any) -> list[Any]:
    return list(decision.events) if isinstance(decision, Rejection) else list(decision)
