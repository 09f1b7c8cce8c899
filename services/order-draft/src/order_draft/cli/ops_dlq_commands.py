"""`dlq list | show | redrive`: the commands dead-letter topic, read without a consumer group."""

from __future__ import annotations

import base64
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from contracts import topics
from order_draft.cli.ops_common import BOOTSTRAP, JSON, PREFIX, err, out, print_json, progress, run
from order_draft.cli.ops_dlq import Letter, choose, read_letters, redrive

dlq = typer.Typer(
    help="The commands dead-letter topic: list, show and redrive letters. Read from the start without a "
    "consumer group, so nothing is committed or taken from the service.",
    no_args_is_help=True,
)
TOPIC = typer.Option(
    None, "--topic", help=f"the dead-letter topic (default: <prefix>{topics.ORDER_DRAFT_COMMANDS_DLQ})"
)


async def _letters(bootstrap_servers: str, topic: str) -> list[Letter]:
    with progress() as bar:
        task = bar.add_task(f"reading {topic}", total=None)
        return await read_letters(
            bootstrap_servers,
            topic,
            on_total=lambda n: bar.update(task, total=n),
            on_read=lambda n: bar.advance(task, n),
        )


@dlq.command("list")
def list_letters(
    bootstrap_servers: str = BOOTSTRAP, topic_prefix: str = PREFIX, topic: str = TOPIC, as_json: bool = JSON
) -> None:
    """Every dead letter, oldest first: PARTITION:OFFSET, time, reason and the command's key."""
    name = topic or topic_prefix + topics.ORDER_DRAFT_COMMANDS_DLQ
    rows = [x.summary() for x in run(_letters(bootstrap_servers, name))]
    if as_json:
        return print_json(rows)
    table = Table("partition:offset", "time", "key", "reason")
    for r in rows:
        table.add_row(f"{r['partition']}:{r['offset']}", r["time"], r["key"] or "", r["reason"] or "")
    out.print(table)


@dlq.command("show")
def show_letter(
    offset: str = typer.Argument(..., help="OFFSET, or PARTITION:OFFSET as `dlq list` shows it"),
    bootstrap_servers: str = BOOTSTRAP,
    topic_prefix: str = PREFIX,
    topic: str = TOPIC,
    as_json: bool = JSON,
) -> None:
    """One dead letter: where the command came from, why it failed, and the original value decoded."""
    name = topic or topic_prefix + topics.ORDER_DRAFT_COMMANDS_DLQ

    async def work() -> Letter:
        return choose(await _letters(bootstrap_servers, name), offset)

    letter = run(work())
    shown = letter.summary() | {"letter": letter.letter.model_dump(mode="json") if letter.letter else None}
    shown["original"] = _decoded(letter.original)
    if as_json:
        return print_json(shown)
    for key in ("partition", "offset", "time", "key", "reason"):
        out.print(f"[bold]{key}[/]: {shown[key]}", highlight=False)
    if letter.letter:
        out.print(f"[bold]from[/]: {letter.letter.topic} {letter.letter.partition}:{letter.letter.offset}")
    out.print("[bold]original value[/]:")
    if isinstance(shown["original"], str):
        out.print(shown["original"], highlight=False, markup=False)
    else:
        out.print_json(data=shown["original"])


def _decoded(raw: bytes) -> Any:
    """JSON when it is JSON, else text, else base64."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            return raw.decode()
        except UnicodeDecodeError:
            return "base64:" + base64.b64encode(raw).decode()


@dlq.command("redrive")
def redrive_letters(
    offsets: Annotated[list[str], typer.Argument(help="OFFSET or PARTITION:OFFSET of each letter")],
    to: str = typer.Option(None, "--to", help="the commands topic (default: the one each letter came from)"),
    bootstrap_servers: str = BOOTSTRAP,
    topic_prefix: str = PREFIX,
    topic: str = TOPIC,
    as_json: bool = JSON,
) -> None:
    """Send chosen letters' original key and bytes to the commands topic again. A redriven command
    that is still invalid comes back to the dead-letter topic (as a new letter); a valid one is
    processed, and a command id the service already processed gets its first reply again."""
    name = topic or topic_prefix + topics.ORDER_DRAFT_COMMANDS_DLQ

    async def work() -> list[dict[str, Any]]:
        letters = await _letters(bootstrap_servers, name)
        return await redrive(bootstrap_servers, name, [choose(letters, o) for o in offsets], to)

    done = run(work())
    err.print("A redriven command that is still invalid comes back to the dead-letter topic.")
    if as_json:
        return print_json(done)
    for d in done:
        out.print(f"redrove {d['from']} -> {d['topic']} {d['partition']}:{d['offset']}")
