-- The drafts read model: one row per draft, the latest state, kept by the exactly-once subscription
-- "projection:drafts". `version` is the last stream version applied (events at or below it are skipped,
-- so a page delivered twice, or a rebuild handing over, changes nothing). `state` is the whole draft
-- (lines inside, money included): the queries cut it down to what the caller's role may see.
CREATE TABLE draft_rows (
    draft_id               text        PRIMARY KEY,
    site                   text        NOT NULL,
    customer               text        NOT NULL,
    status                 text        NOT NULL,
    document_number        text        NOT NULL,
    document_type          text        NOT NULL,
    document_date          date        NOT NULL,
    order_date             date,
    version                bigint      NOT NULL,
    notes                  text,
    required_delivery_date date,
    totals                 jsonb       NOT NULL,
    updated_at             timestamptz NOT NULL,
    state                  jsonb       NOT NULL
);
-- The orders list: one customer's orders on one site, newest first.
CREATE INDEX draft_rows_by_customer ON draft_rows (customer, site, document_date DESC);
