"""`dlq list | show | redrive`: the dead-letter topic read without a consumer group, and redriving."""

from __future__ import annotations

import base64

from aiokafka import AIOKafkaProducer
from ops_story import output
from ops_topics import read_topic

from contracts import topics
from contracts.dead_letter import DeadLetter
from infra.pytest_plugin import unique
from order_draft.kafka.topics import ensure_topics

BROKEN = b'{"type": "AddLine", "site": "S1"}'
NOT_UTF8 = b"\xff\xfe not a command"


async def park(bootstrap: str, prefix: str) -> None:
    """Two letters on a one-partition DLQ, as the command processor writes them: offsets 0 and 1."""
    commands, dlq = prefix + topics.ORDER_DRAFT_COMMANDS, prefix + topics.ORDER_DRAFT_COMMANDS_DLQ
    await ensure_topics(bootstrap, [commands, dlq], partitions=1)
    common = {"topic": commands, "partition": 0, "consumer": "order-draft"}
    letters = [
        DeadLetter(**common, offset=7, key="S1|C1", value=BROKEN.decode(), reason="line_id: missing"),
        DeadLetter(
            **common,
            offset=8,
            key="S1|C2",
            value=base64.b64encode(NOT_UTF8).decode(),
            value_encoding="base64",
            reason="not UTF-8",
        ),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for letter in letters:
            await producer.send_and_wait(dlq, letter.model_dump_json().encode(), key=letter.key.encode())
    finally:
        await producer.stop()


async def test_dlq_list_shows_every_letter_with_offset_reason_and_key(cli, kafka_bootstrap):
    prefix = unique("ops") + "."
    await park(kafka_bootstrap, prefix)

    args = ["--bootstrap-servers", kafka_bootstrap, "--topic-prefix", prefix, "--json"]

    rows = output(await cli("dlq", "list", *args))

    assert [(r["partition"], r["offset"], r["key"], r["reason"]) for r in rows] == [
        (0, 0, "S1|C1", "line_id: missing"),
        (0, 1, "S1|C2", "not UTF-8"),
    ]


async def test_dlq_show_decodes_the_original_value(cli, kafka_bootstrap):
    prefix = unique("ops") + "."
    await park(kafka_bootstrap, prefix)
    args = ["--bootstrap-servers", kafka_bootstrap, "--topic-prefix", prefix, "--json"]

    first = output(await cli("dlq", "show", "0", *args))
    second = output(await cli("dlq", "show", "0:1", *args))
    missing = await cli("dlq", "show", "5", *args)

    assert first["original"] == {"type": "AddLine", "site": "S1"}
    assert first["letter"]["offset"] == 7
    assert second["original"] == "base64:" + base64.b64encode(NOT_UTF8).decode()
    assert missing.exit_code == 2
    assert "dlq list" in missing.stderr


async def test_dlq_redrive_sends_only_the_chosen_letter_back_to_the_commands_topic(cli, kafka_bootstrap):
    prefix = unique("ops") + "."
    await park(kafka_bootstrap, prefix)
    args = ["--bootstrap-servers", kafka_bootstrap, "--topic-prefix", prefix]

    result = await cli("dlq", "redrive", "1", *args, "--json")

    assert output(result)[0]["topic"] == prefix + topics.ORDER_DRAFT_COMMANDS
    assert "comes back to the dead-letter topic" in result.stderr
    [record] = await read_topic(kafka_bootstrap, prefix + topics.ORDER_DRAFT_COMMANDS)
    assert (record.key, record.value) == (b"S1|C2", NOT_UTF8)
    assert dict(record.headers)["redriven_from"] == f"{prefix}{topics.ORDER_DRAFT_COMMANDS_DLQ}:0:1".encode()


async def test_stats_counts_the_dead_letters(cli, kafka_bootstrap, database_dsn):
    prefix = unique("ops") + "."
    await park(kafka_bootstrap, prefix)

    args = ["--bootstrap-servers", kafka_bootstrap, "--topic-prefix", prefix, "--json"]

    found = output(await cli("stats", "--dsn", database_dsn, *args))

    assert found["dlq"] == {"topic": prefix + topics.ORDER_DRAFT_COMMANDS_DLQ, "size": 2}
