"""Prometheus metrics of order-draft, served on /metrics."""

from __future__ import annotations

from functools import cache

from prometheus_client import Counter, Gauge, Histogram

COMMANDS = Counter(
    "order_draft_commands_total", "Commands answered, by type and outcome", ["type", "outcome"]
)  # outcome: accepted, rejected:<code>, duplicate
DEAD_LETTERS = Counter("order_draft_dead_letters_total", "Records sent to the dead-letter topic")
BATCH_SECONDS = Histogram(
    "order_draft_batch_seconds",
    "From a batch's fetch to its replies acknowledged (decide, one transaction, replies)",
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
)
BATCH_SIZE = Histogram(
    "order_draft_batch_commands",
    "Commands per batch (group commit)",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
CONSUMER_LAG = Gauge("order_draft_command_lag", "Commands on the topic not yet consumed (all partitions)")
CATALOG_REVISION = Gauge("order_draft_catalog_revision", "The catalog revision the local copy has reached")
QUERIES = Counter(
    "order_draft_queries_total",
    "Read-side queries answered over Kafka, by type and outcome",
    ["type", "outcome"],
)  # outcome: ok, a QueryFailed code, stale (older than the consumer's max age: not answered)
PROJECTION_LAG = Gauge(
    "order_draft_projection_lag_events",
    "Events after the drafts projection's checkpoint in the global order (set on each /ready and scrape)",
)


@cache
def _command_counter(command_type: str, outcome: str) -> Counter:
    return COMMANDS.labels(command_type, outcome)  # labels() costs more than inc(): look it up once


def count_command(command_type: str, outcome: str) -> None:
    _command_counter(command_type, outcome).inc()
