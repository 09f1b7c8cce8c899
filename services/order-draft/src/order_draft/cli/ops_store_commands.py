"""`republish` and `stats`: commands over the whole event store."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from contracts import topics
from order_draft.cli.ops_common import (
    BOOTSTRAP,
    DSN,
    JSON,
    PREFIX,
    checked,
    opened_store,
    out,
    parse_checkpoint,
    print_json,
    progress,
    run,
    stream_id,
)


def republish(
    start: str = typer.Option(
        ..., "--from", help="a checkpoint 'xid:position' (events after it; 0:0 = all) or an ISO time"
    ),
    stream: str = typer.Option(None, "--stream", help="only this draft (id or stream id)"),
    topic: str = typer.Option(None, "--topic", help="send here (default: <prefix>order-draft.events.v1)"),
    dsn: str = DSN,
    bootstrap_servers: str = BOOTSTRAP,
    topic_prefix: str = PREFIX,
    as_json: bool = JSON,
) -> None:
    """Send stored events to Kafka again, as the outbox relay does (key = stream id, same value and
    headers), in the global order, up to what is readable now. Consumers will see them twice."""
    from order_draft.cli.ops_republish import republish as send

    point = checked(parse_checkpoint, start, "--from")
    assert point is not None  # --from is required
    target = topic or topic_prefix + topics.ORDER_DRAFT_EVENTS

    async def work() -> dict[str, Any]:
        async with opened_store(dsn) as store:
            with progress() as bar:
                task = bar.add_task(f"republishing to {target}", total=None)
                return await send(
                    store,
                    bootstrap_servers,
                    target,
                    point,
                    stream_id(stream) if stream else None,
                    on_total=lambda n: bar.update(task, total=n),
                    on_sent=lambda n: bar.advance(task, n),
                )

    result = run(work())
    if as_json:
        return print_json(result)
    out.print(f"sent {result['sent']} events to {target} (checkpoints {result['first']} .. {result['last']})")


def stats(
    dsn: str = DSN,
    bootstrap_servers: str = BOOTSTRAP,
    topic_prefix: str = PREFIX,
    no_kafka: bool = typer.Option(False, "--no-kafka", help="skip the dead-letter topic's size"),
    as_json: bool = JSON,
) -> None:
    """Events per type, streams, each subscription's checkpoint and lag in events, the outbox relay's
    lag, the dead-letter topic's size, and the oldest open transaction holding back the global read."""
    from order_draft.cli.ops_stats import database_stats, dlq_size

    async def work() -> dict[str, Any]:
        async with opened_store(dsn) as store:
            found = await database_stats(store.pool, topic_prefix + topics.ORDER_DRAFT_EVENTS)
        dlq = topic_prefix + topics.ORDER_DRAFT_COMMANDS_DLQ
        found["dlq"] = {"topic": dlq, "size": None if no_kafka else await dlq_size(bootstrap_servers, dlq)}
        return found

    found = run(work())
    if as_json:
        return print_json(found)
    render_stats(found)


def render_stats(found: dict[str, Any]) -> None:
    out.print(f"[bold]{found['events']}[/] events in [bold]{found['streams']}[/] streams")
    types = Table("event type", "count")
    for name, count in found["events_per_type"].items():
        types.add_row(name, str(count))
    out.print(types)
    subs = Table("subscription", "checkpoint", "updated at", "lag (events)")
    for s in found["subscriptions"]:
        subs.add_row(s["name"], s["checkpoint"], s["updated_at"], str(s["lag"]))
    out.print(subs)
    relay = found["relay"]
    never = "" if relay["started"] else " (never ran)"
    out.print(f"outbox relay {relay['name']}: lag {relay['lag']}{never}")
    dlq = found["dlq"]
    out.print(f"dead letters on {dlq['topic']}: {'unknown' if dlq['size'] is None else dlq['size']}")
    held = found["holding_back"]
    if held is None:
        return out.print("no open transaction holds back the global read")
    out.print(
        f"[yellow]oldest open transaction[/] pid {held['pid']} ({held['database']}, {held['state']}, "
        f"{held['age_seconds']} s, xid {held['xid']}, xmin {held['xmin']}); "
        f"{found['events_held_back']} committed events wait behind it. Query: {held['query']!r}. "
        "End it with SELECT pg_terminate_backend(pid) if it is stuck.",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command()(republish)
    app.command()(stats)
