-- The log keeps events as the writer's JSON text (`json`), not `jsonb`. Nothing queries inside a payload
-- (readers decode whole events), so jsonb's parse into a binary tree on every append and its conversion
-- back to text on every read were pure cost (docs/event-store.md has the figures). `json` still rejects
-- text that is not JSON, and an event now reads back byte for byte as it was written. The append
-- functions of 002 are recreated unchanged but for the types.
ALTER TABLE events ALTER COLUMN payload TYPE json USING payload::json,
                   ALTER COLUMN metadata TYPE json USING metadata::json;
ALTER TABLE commands ALTER COLUMN result TYPE json USING result::json;

DROP FUNCTION append_events(text[], bigint[], text[], jsonb[], int[], uuid[], text[], int[], jsonb[], jsonb[]);
DROP FUNCTION append_stream(text, bigint, text, jsonb, uuid[], text[], int[], jsonb[], jsonb[]);

-- append_stream(): one batch of events to one stream, in the caller's transaction, in one call.
-- Expected version: >= 0 exact, -1 "no stream", -2 "any". Outcome:
--   appended  (stream_version = the new version)
--   conflict  (stream_version = the actual version; nothing written)
--   duplicate (the command id was processed before: its stored version and result)
-- The stream is locked (advisory, per stream) before the first write, so this transaction's id is
-- assigned after every earlier writer of the stream committed, and the global order, (transaction id,
-- position), agrees with the stream versions. No table lock, no global row lock, no NOTIFY: writers to
-- different streams never wait for each other.
CREATE FUNCTION append_stream(
    p_stream          text,
    p_expected        bigint,
    p_command_id      text,
    p_result          json,
    p_event_ids       uuid[],
    p_types           text[],
    p_schema_versions int[],
    p_payloads        json[],
    p_metadata        json[],
    OUT outcome        text,
    OUT stream_version bigint,
    OUT result         json
) LANGUAGE plpgsql AS $$
DECLARE
    current     bigint;
    current_xid xid8;
    own_xid     xid8;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 7301));

    IF p_command_id IS NOT NULL THEN
        SELECT 'duplicate', c.stream_version, c.result INTO outcome, stream_version, result
          FROM commands c WHERE c.command_id = p_command_id;
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;

    SELECT e.stream_version, e.transaction_id INTO current, current_xid
      FROM events e WHERE e.stream_id = p_stream ORDER BY e.stream_version DESC LIMIT 1;
    current := coalesce(current, 0);

    -- A caller's transaction that wrote before calling us got its id before the lock: if a writer of this
    -- stream committed since with a later id, our events would sort before its. Make the caller retry.
    own_xid := pg_current_xact_id_if_assigned();
    IF own_xid IS NOT NULL AND current_xid > own_xid THEN
        RAISE EXCEPTION USING ERRCODE = '40001',
            MESSAGE = 'transaction id older than a committed write to stream ' || p_stream || '; retry';
    END IF;

    IF (p_expected >= 0 AND current <> p_expected) OR (p_expected = -1 AND current <> 0) THEN
        outcome := 'conflict';
        stream_version := current;
        RETURN;
    END IF;

    INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata)
    SELECT p_stream, current + u.n, coalesce(u.event_id, gen_random_uuid()), u.event_type,
           u.schema_version, u.payload, u.metadata
      FROM unnest(p_event_ids, p_types, p_schema_versions, p_payloads, p_metadata)
           WITH ORDINALITY AS u(event_id, event_type, schema_version, payload, metadata, n);
    stream_version := current + cardinality(p_event_ids);
    outcome := 'appended';  -- result stays NULL: the caller has it; only a duplicate gets the stored one

    IF p_command_id IS NOT NULL THEN
        INSERT INTO commands (command_id, stream_id, stream_version, result)
        VALUES (p_command_id, p_stream, stream_version, coalesce(p_result, 'null'::json))
        ON CONFLICT (command_id) DO NOTHING;
        IF NOT FOUND THEN
            -- The same command id committed meanwhile for another stream: undo, the caller retries.
            RAISE EXCEPTION USING ERRCODE = 'P0D01', MESSAGE = 'command already processed: ' || p_command_id;
        END IF;
    END IF;
END;
$$;

-- append_events(): many batches (several streams: group commit) in one call and one transaction. Every
-- stream is locked first, in a fixed order (no deadlocks between groups), before any write.
CREATE FUNCTION append_events(
    p_streams         text[],
    p_expected        bigint[],
    p_command_ids     text[],
    p_results         json[],
    p_counts          int[],
    p_event_ids       uuid[],
    p_types           text[],
    p_schema_versions int[],
    p_payloads        json[],
    p_metadata        json[]
) RETURNS TABLE (outcome text, stream_version bigint, result json)
LANGUAGE plpgsql AS $$
DECLARE
    i    int;
    offs int := 0;
    cnt  int;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(s, 7301))
       FROM (SELECT DISTINCT s FROM unnest(p_streams) AS u(s) ORDER BY s) AS sorted;
    FOR i IN 1 .. cardinality(p_streams) LOOP
        cnt := p_counts[i];
        SELECT a.outcome, a.stream_version, a.result INTO outcome, stream_version, result
          FROM append_stream(p_streams[i], p_expected[i], p_command_ids[i], p_results[i],
                             p_event_ids[offs + 1 : offs + cnt], p_types[offs + 1 : offs + cnt],
                             p_schema_versions[offs + 1 : offs + cnt], p_payloads[offs + 1 : offs + cnt],
                             p_metadata[offs + 1 : offs + cnt]) AS a;
        offs := offs + cnt;
        RETURN NEXT;
    END LOOP;
END;
$$;
