-- Appends one or more batches of events (each to one stream) in the caller's transaction, in one call.
-- Per batch: expected >= 0 is an exact version, -1 "no stream", -2 "any". Outcome per batch, in order:
--   appended  (stream_version = the new version, first/last global position)
--   conflict  (stream_version = the actual version; nothing of that batch written)
--   duplicate (the command id was processed before: its stored version, positions and result)
-- Every stream is locked (advisory, per stream) before the first write, so this transaction's id is
-- assigned after every earlier writer of those streams committed: the global order then always agrees
-- with the stream versions, even when a command id is claimed first. No table lock, no global row lock,
-- no NOTIFY: writers to different streams never wait for each other.
CREATE FUNCTION append_events(
    p_streams         text[],
    p_expected        bigint[],
    p_command_ids     text[],
    p_results         jsonb[],
    p_counts          int[],
    p_event_ids       uuid[],
    p_types           text[],
    p_schema_versions int[],
    p_payloads        jsonb[],
    p_metadata        jsonb[]
) RETURNS TABLE (outcome text, stream_version bigint, first_position bigint, last_position bigint, result jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    i       int;
    offs    int := 0;
    cnt     int;
    current bigint;
    claimed boolean;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(s, 7301))
       FROM (SELECT DISTINCT s FROM unnest(p_streams) AS u(s) ORDER BY s) AS sorted;

    -- A caller's transaction that wrote before calling us got its id before the locks: if a writer of
    -- these streams committed since with a later id, our events would sort before its. Retry instead.
    IF pg_current_xact_id_if_assigned() IS NOT NULL AND EXISTS (
        SELECT 1 FROM events e
         WHERE e.stream_id = ANY (p_streams) AND e.transaction_id > pg_current_xact_id_if_assigned()
    ) THEN
        RAISE EXCEPTION USING ERRCODE = '40001',
            MESSAGE = 'transaction id older than a committed write to the same stream; retry the transaction';
    END IF;

    FOR i IN 1 .. cardinality(p_streams) LOOP
        cnt := p_counts[i];
        outcome := NULL; stream_version := NULL; first_position := NULL; last_position := NULL; result := NULL;

        IF p_command_ids[i] IS NOT NULL THEN
            SELECT 'duplicate', c.stream_version, c.first_position, c.last_position, c.result
              INTO outcome, stream_version, first_position, last_position, result
              FROM commands c WHERE c.command_id = p_command_ids[i];
        END IF;

        IF outcome IS NULL THEN
            SELECT coalesce(max(e.stream_version), 0) INTO current FROM events e WHERE e.stream_id = p_streams[i];
            IF (p_expected[i] >= 0 AND current <> p_expected[i]) OR (p_expected[i] = -1 AND current <> 0) THEN
                outcome := 'conflict';
                stream_version := current;
            END IF;
        END IF;

        IF outcome IS NULL THEN
            WITH inserted AS (
                INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, payload, metadata)
                SELECT p_streams[i], current + u.n, u.event_id, u.event_type, u.schema_version, u.payload, u.metadata
                  FROM unnest(p_event_ids[offs + 1 : offs + cnt], p_types[offs + 1 : offs + cnt],
                              p_schema_versions[offs + 1 : offs + cnt], p_payloads[offs + 1 : offs + cnt],
                              p_metadata[offs + 1 : offs + cnt])
                       WITH ORDINALITY AS u(event_id, event_type, schema_version, payload, metadata, n)
                RETURNING events.global_position
            )
            SELECT min(global_position), max(global_position) INTO first_position, last_position FROM inserted;
            stream_version := current + cnt;
            outcome := 'appended';
            result := p_results[i];

            IF p_command_ids[i] IS NOT NULL THEN
                INSERT INTO commands (command_id, stream_id, stream_version, first_position, last_position, result)
                VALUES (p_command_ids[i], p_streams[i], stream_version, first_position, last_position,
                        coalesce(p_results[i], 'null'::jsonb))
                ON CONFLICT (command_id) DO NOTHING;
                claimed := FOUND;
                IF NOT claimed THEN
                    -- The same command id committed meanwhile for another stream: undo this batch's events.
                    RAISE EXCEPTION USING ERRCODE = 'P0D01', MESSAGE = 'command already processed: ' || p_command_ids[i];
                END IF;
            END IF;
        END IF;

        offs := offs + cnt;
        RETURN NEXT;
    END LOOP;
END;
$$;
