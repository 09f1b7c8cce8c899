"""`republish`: stored events to Kafka again, in the relay's message shape."""

from __future__ import annotations

from ops_story import output, write_draft
from ops_topics import read_topic

from infra.pytest_plugin import unique
from order_draft.kafka.topics import ensure_topics
from order_draft.store import START
from order_draft.store.relay import to_message


async def test_republish_from_the_start_sends_every_event_as_the_relay_would(
    store, cli, database_dsn, kafka_bootstrap
):
    await write_draft(store, "D1")
    await write_draft(store, "D2")
    topic = unique("ops-events")
    await ensure_topics(kafka_bootstrap, [topic])
    args = ["--dsn", database_dsn, "--bootstrap-servers", kafka_bootstrap, "--topic", topic, "--json"]

    result = output(await cli("republish", "--from", "0:0", *args))

    stored = await store.read_all(START)
    records = await read_topic(kafka_bootstrap, topic)
    assert result["sent"] == len(stored) == len(records) == 12
    sent = {(r.key, r.value, tuple(r.headers)) for r in records}
    expected = {(k, v, tuple(h)) for k, v, h in map(to_message, stored)}
    assert sent == expected
    for draft in (b"draft-D1", b"draft-D2"):  # one draft's events in version order on its partition
        versions = [dict(r.headers)["stream_version"] for r in records if r.key == draft]
        assert versions == [b"1", b"2", b"3", b"4", b"5", b"6"]


async def test_republish_of_one_stream_sends_only_its_events_after_the_checkpoint(
    store, cli, database_dsn, kafka_bootstrap
):
    await write_draft(store, "D1")
    await write_draft(store, "D2")
    third = (await store.read_stream("draft-D1"))[2].checkpoint
    topic = unique("ops-events")
    await ensure_topics(kafka_bootstrap, [topic])
    checkpoint = f"{third.transaction_id}:{third.global_position}"
    args = ["--dsn", database_dsn, "--bootstrap-servers", kafka_bootstrap, "--topic", topic, "--json"]

    result = output(await cli("republish", "--from", checkpoint, "--stream", "D1", *args))

    records = await read_topic(kafka_bootstrap, topic)
    assert result["sent"] == 3
    assert [(r.key, dict(r.headers)["stream_version"]) for r in records] == [
        (b"draft-D1", b"4"),
        (b"draft-D1", b"5"),
        (b"draft-D1", b"6"),
    ]


async def test_republish_from_a_time_sends_the_events_recorded_since_then(
    store, cli, database_dsn, kafka_bootstrap
):
    await write_draft(store, "D1")
    topic = unique("ops-events")
    await ensure_topics(kafka_bootstrap, [topic])
    args = ["--dsn", database_dsn, "--bootstrap-servers", kafka_bootstrap, "--topic", topic, "--json"]

    everything = output(await cli("republish", "--from", "2000-01-01", *args))
    nothing = output(await cli("republish", "--from", "2999-01-01T00:00:00Z", *args))
    bad = await cli("republish", "--from", "last tuesday", *args)

    assert everything["sent"] == 6
    assert nothing["sent"] == 0
    assert bad.exit_code == 2
