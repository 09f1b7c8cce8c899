-- The event log. Order is (transaction_id, global_position): readers take only rows whose transaction id
-- is below the oldest running transaction (pg_snapshot_xmin), so a late-committing writer is never skipped
-- and positions need no gap detection.
CREATE TABLE events (
    global_position bigint GENERATED ALWAYS AS IDENTITY,
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream_id       text        NOT NULL,
    stream_version  bigint      NOT NULL,
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    schema_version  int         NOT NULL,
    payload         jsonb       NOT NULL,
    metadata        jsonb       NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_id, stream_version)  -- optimistic concurrency: one event per stream version
);
CREATE UNIQUE INDEX events_in_global_order ON events (transaction_id, global_position);

-- Processed commands: a repeated command id returns this row and writes nothing.
CREATE TABLE commands (
    command_id      text        PRIMARY KEY,
    stream_id       text        NOT NULL,
    stream_version  bigint      NOT NULL,
    result          jsonb       NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);

-- Where each subscription (projection, relay) is in the global order.
CREATE TABLE subscription_checkpoints (
    name            text        PRIMARY KEY,
    transaction_id  bigint      NOT NULL,
    global_position bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE snapshots (
    stream_id       text        PRIMARY KEY,
    stream_type     text        NOT NULL,
    stream_version  bigint      NOT NULL,
    schema_version  int         NOT NULL,
    state           jsonb       NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
