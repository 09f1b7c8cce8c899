"""Loading one draft from its latest snapshot plus the events after it (instead of folding the whole
stream). The snapshot state is the read model's JSON of a draft (projections.state), so the same codec
serves both.

The command handler writes the snapshots (handlers/drafts.py: every SNAPSHOT_EVERY versions, after the
commit) and loads from them; `order-draft show` starts from one too (cli/ops_drafts.draft_at), folding
the whole stream only for a point before the snapshot.
"""

from __future__ import annotations

from order_draft.domain import EVENT_TYPES, fold
from order_draft.domain.state import Draft
from order_draft.projections.state import draft_from_json, draft_to_json
from order_draft.store import EventStore, Snapshot

STREAM_TYPE = "draft"
SCHEMA_VERSION = 1  # of the snapshot state (draft_to_json); a snapshot of another version is ignored


def snapshot_of(stream_id: str, draft: Draft) -> Snapshot:
    """The snapshot of `draft` as it stands (its version is the stream version it folds up to)."""
    return Snapshot(stream_id, STREAM_TYPE, draft.version, SCHEMA_VERSION, draft_to_json(draft))


async def load_draft(store: EventStore, stream_id: str) -> Draft | None:
    """The draft now: its latest snapshot (when of this schema) folded on with the tail of its stream."""
    snapshot = await store.load_snapshot(stream_id)
    usable = snapshot is not None and snapshot.schema_version == SCHEMA_VERSION
    start = draft_from_json(snapshot.state) if usable and snapshot is not None else None
    after = start.version + 1 if start is not None else 1
    tail = await store.read_stream(stream_id, from_version=after)
    return fold(start, [EVENT_TYPES[e.type].from_payload(e.payload) for e in tail])
