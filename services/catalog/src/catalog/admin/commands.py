"""Applying one admin command, exactly once per command id.

The command's change, its outbox row and its reply are written in one transaction under the catalog's
write lock; a redelivered or retried command (same command id) gets the stored reply and changes nothing.
Rejections are replies too (stored like the rest): a retry of a rejected command is rejected the same way.
"""

from __future__ import annotations

import uuid

import asyncpg
from pydantic import TypeAdapter

from catalog.site_settings import check_document_type
from catalog.store.apply import Origin, delete_record, upsert_staged, writing
from catalog.store.records import document_types, load_record
from catalog.store.references import missing_references, referrers
from catalog.store.staging import StagedRow, stage, unstage
from contracts.catalog import (
    CatalogAccepted,
    CatalogReply,
    DeactivateRecord,
    DeleteRecord,
    Record,
    Site,
    UpsertRecord,
)
from contracts.envelope import Command, Rejected, reply_envelope

Reply = CatalogAccepted | Rejected
REPLIES: TypeAdapter[CatalogReply] = TypeAdapter(CatalogReply)
AdminCommand = UpsertRecord | DeactivateRecord | DeleteRecord


async def handle(pool: asyncpg.Pool, command: AdminCommand) -> Reply:
    async with pool.acquire() as conn, writing(conn):
        stored = await conn.fetchval(
            "SELECT reply::text FROM catalog.processed_commands WHERE command_id = $1", command.command_id
        )
        if stored is not None:
            return _stored_reply(stored)
        reply = await _apply(conn, command)
        await conn.execute(
            "INSERT INTO catalog.processed_commands (command_id, reply) VALUES ($1, $2::jsonb)",
            command.command_id,
            reply.model_dump_json(),
        )
        return reply


def _stored_reply(text: str) -> Reply:
    reply = (
        Rejected.model_validate_json(text)
        if '"Rejected"' in text
        else CatalogAccepted.model_validate_json(text)
    )
    return reply


def rejected(command: Command, code: str, message: str, **details: str) -> Rejected:
    return Rejected(**reply_envelope(command), code=code, message=message, details=details)


def accepted(command: Command, revision: int | None) -> CatalogAccepted:
    return CatalogAccepted(**reply_envelope(command), catalog_revision=revision)


def _origin(command: Command) -> Origin:
    return Origin(correlation_id=command.correlation_id, causation_id=command.message_id, actor=command.actor)


async def _apply(conn: asyncpg.Connection, command: AdminCommand) -> Reply:
    if isinstance(command, DeleteRecord):
        still = await referrers(conn, command.kind, command.key)
        if still:
            return rejected(
                command, "STILL_REFERENCED", "other records reference it", referenced_by=", ".join(still)
            )
        revision = await delete_record(conn, command.kind, command.key, _origin(command))
        return accepted(command, revision) if revision else _not_found(command, command.kind, command.key)
    if isinstance(command, DeactivateRecord):
        record = await load_record(conn, command.kind, command.key)
        if record is None:
            return _not_found(command, command.kind, command.key)
        if "active" not in type(record).model_fields:
            return rejected(
                command, "CANNOT_DEACTIVATE", f"a {command.kind} has no active flag", kind=command.kind
            )
        return await _upsert(conn, command, record.model_copy(update={"active": False}))
    return await _upsert(conn, command, command.record)


async def _upsert(conn: asyncpg.Connection, command: Command, record: Record) -> Reply:
    if isinstance(record, Site):
        problem = check_document_type(record.settings, await document_types(conn))
        if problem is not None:
            return rejected(command, problem.code, problem.reason, key=record.key())
    batch = uuid.uuid4()
    await stage(conn, batch, [StagedRow(record.kind, record.key(), "command", 1, record.model_dump_json())])
    missing = await missing_references(conn, batch)
    if missing:
        await unstage(conn, batch)
        return rejected(command, "REFERENCE_NOT_FOUND", missing[0].reason, key=record.key())
    applied = await upsert_staged(conn, batch, _origin(command))
    await unstage(conn, batch)
    return accepted(command, applied.revision)


def _not_found(command: Command, kind: str, key: str) -> Rejected:
    return rejected(command, "NOT_FOUND", f"no {kind} {key!r}", kind=kind, key=key)
