"""The e2e `running` service (tests/e2e/conftest.py) for the read-side tests, loaded under a name of its
own (pytest already knows a module called conftest), plus what the read-side tests share."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import uuid
from pathlib import Path
from typing import Any

from contracts.envelope import Actor
from order_draft.service import Service

_E2E = Path(__file__).resolve().parents[1] / "e2e"
_spec = importlib.util.spec_from_file_location("e2e_service", _E2E / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
e2e = importlib.util.module_from_spec(_spec)
sys.modules["e2e_service"] = e2e
_spec.loader.exec_module(e2e)

Running = e2e.Running
running = e2e.running
ANN = Actor(user_id="U1", customer_id="C1")  # L30 for C1 in the test catalog


def on(draft_id: str, kind: type[Any], actor: Actor = ANN, **fields: Any) -> Any:
    return kind(actor=actor, site="S1", draft_id=uuid.UUID(draft_id), **fields)


async def projected(service: Service, draft_id: str, version: int) -> dict[str, Any]:
    """The draft's row once the projection has applied `version`."""
    assert service.store is not None
    for _ in range(300):
        row = await service.store.pool.fetchrow("SELECT * FROM draft_rows WHERE draft_id = $1", draft_id)
        if row is not None and row["version"] >= version:
            return dict(row)
        await asyncio.sleep(0.02)
    raise AssertionError(f"draft {draft_id} v{version} never reached draft_rows")
