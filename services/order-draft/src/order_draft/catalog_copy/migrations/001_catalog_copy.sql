-- order-draft's own copy of the catalog, fed from the catalog's compacted topics: the last record per
-- (kind, natural key), with the catalog revision that produced it. A decision reads only this copy.
CREATE TABLE catalog_records (
    kind      text   NOT NULL,
    key       text   NOT NULL,
    revision  bigint NOT NULL,
    record    jsonb  NOT NULL,
    PRIMARY KEY (kind, key)
);

-- Where the copy is in each topic partition, written in the same transaction as the records.
CREATE TABLE catalog_offsets (
    topic       text   NOT NULL,
    partition   int    NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (topic, partition)
);
