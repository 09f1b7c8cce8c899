"""What every operations command shares: its options, parsing of times/versions/checkpoints, errors that
say what to do (exit 2 on bad input, 1 on failure), JSON or rich output, and the progress bar."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, NoReturn, TypeVar

import asyncpg
import orjson
import typer
from aiokafka.errors import KafkaError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TimeRemainingColumn
from rich.text import Text

from order_draft.config import Settings
from order_draft.store import Checkpoint, EventStore, MalformedEvent

T = TypeVar("T")
err = Console(stderr=True)
out = Console(soft_wrap=True)

DSN = typer.Option(
    Settings.postgres_dsn, "--dsn", envvar="POSTGRES_DSN", help="PostgreSQL of order-draft ($POSTGRES_DSN)"
)
BOOTSTRAP = typer.Option(
    Settings.kafka_bootstrap_servers,
    "--bootstrap-servers",
    envvar="KAFKA_BOOTSTRAP_SERVERS",
    help="Kafka bootstrap servers ($KAFKA_BOOTSTRAP_SERVERS)",
)
PREFIX = typer.Option(
    "", "--topic-prefix", envvar="KAFKA_TOPIC_PREFIX", help="prefix of the service's topics"
)
JSON = typer.Option(False, "--json", help="print machine-readable JSON instead of tables")


class OpsError(Exception):
    """A failure the operator can act on: the message says what to do."""

    exit_code = 1


class BadInput(OpsError):
    exit_code = 2


def run(work: Coroutine[Any, Any, T]) -> T:
    """Run a command's async work; turn known failures into a message and an exit code."""
    try:
        return asyncio.run(work)
    except OpsError as error:
        fail(str(error), error.exit_code)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        fail(f"PostgreSQL failed: {error}. Check --dsn / POSTGRES_DSN and that the database is up.", 1)
    except KafkaError as error:
        fail(f"Kafka failed: {error!r}. Check --bootstrap-servers / KAFKA_BOOTSTRAP_SERVERS.", 1)
    except MalformedEvent as error:
        fail(f"{error}. Register an upcaster for it, or inspect the row in the events table.", 1)


def checked(parse: Callable[[str, str], T], text: str | None, option: str) -> T | None:
    """An option's value parsed (None when not given); bad input exits 2 saying what to give."""
    if text is None:
        return None
    try:
        return parse(text, option)
    except BadInput as error:
        fail(str(error), 2)


def fail(message: str, code: int) -> NoReturn:
    err.print(f"[red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@asynccontextmanager
async def opened_store(dsn: str) -> AsyncIterator[EventStore]:
    from order_draft.service import PARTS

    store = await EventStore.connect(dsn, migrations=PARTS, min_size=1, max_size=2)
    try:
        yield store
    finally:
        await store.close()


def stream_id(draft: str) -> str:
    """A draft id, or its stream id as the store names it (`draft-<id>`)."""
    return draft if draft.startswith("draft-") else f"draft-{draft}"


def parse_time(text: str, option: str) -> dt.datetime:
    """ISO 8601; a time without a zone is UTC."""
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option} {text!r} is not a time: use ISO 8601, e.g. 2026-03-10T09:00:00Z") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_point(text: str, option: str) -> int | dt.datetime:
    """A stream version (a whole number) or a time."""
    return int(text) if text.isdigit() else parse_time(text, option)


def parse_checkpoint(text: str, option: str) -> Checkpoint | dt.datetime:
    """'xid:position' (as in subscription_checkpoints), or a time."""
    xid, colon, position = text.partition(":")
    if colon and xid.isdigit() and position.isdigit():
        return Checkpoint(int(xid), int(position))
    try:
        return parse_time(text, option)
    except BadInput:
        raise BadInput(f"{option} {text!r} is neither a checkpoint 'xid:position' nor an ISO time") from None


def print_json(value: Any) -> None:
    sys.stdout.write(orjson.dumps(value, default=str, option=orjson.OPT_INDENT_2).decode() + "\n")


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f}/s", style="progress.data.speed")


def progress() -> Progress:
    """A bar with count, rate and ETA, on stderr (stdout stays clean for --json)."""
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=err,
    )
