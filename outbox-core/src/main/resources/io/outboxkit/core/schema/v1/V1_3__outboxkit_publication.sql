-- OutboxKit schema version 1 (PostgreSQL), script 3 of 4: the publication the relay streams through.
-- Idempotent: an existing publication gets the missing tables added and is otherwise left as it is.
-- Placeholders:
--   ${publication}   the publication's name (lower-case letters, digits and underscores)
--   ${outbox_table}  the outbox table, schema-qualified, as in script 1; empty when the relay runs in
--                    WAL-message mode without an outbox table
--   ${relay_schema}  the schema of the relay's tables, as in script 2: its heartbeat table joins the
--                    publication when it exists (run script 2 first; the relay adds it on start otherwise)
-- outbox-writer's OutboxSchema and the relay's preparation run this same script with their settings.
-- Run it before the first event is written: pgoutput sends a table's changes only from the moment the table
-- is in the publication. Creating a publication needs CREATE on the database and ownership of the tables.
--
-- The publication publishes inserts only: the relay needs nothing else, and deletes (the writer's
-- delete-after-insert mode, clean-up jobs) or updates never reach it. On PostgreSQL 15 and later the outbox
-- table joins with the columns the relay reads only (a column list leaving out created_at and any column of
-- your own), so that neither PostgreSQL nor the relay decodes the others for every event; not where
-- PostgreSQL refuses a column list or it could break writes: a partitioned outbox table, or an existing
-- publication with FOR TABLES IN SCHEMA elements or that publishes updates or deletes. A reader of the
-- publication that needs another column (Debezium's EventRouter with table.field.event.timestamp=created_at,
-- say) must be given it, in one transaction: ALTER PUBLICATION ... DROP TABLE <outbox>; then
-- ALTER PUBLICATION ... ADD TABLE <outbox> (id, ..., created_at); (not SET TABLE, which would also remove
-- the heartbeat table).

DO $$
DECLARE
    pub pg_catalog.pg_publication%ROWTYPE;
    outbox regclass;
    heartbeat regclass := pg_catalog.to_regclass('${relay_schema}.outboxkit_relay_heartbeat');
    wanted regclass;
    tables regclass[] := ARRAY[]::regclass[];
    missing text[] := ARRAY[]::text[];
    read_columns text;
BEGIN
    IF '${outbox_table}' <> '' THEN
        outbox := '${outbox_table}'::regclass;
        tables := tables || outbox;
    END IF;
    IF heartbeat IS NOT NULL THEN
        tables := tables || heartbeat;
    END IF;
    IF pg_catalog.cardinality(tables) = 0 THEN
        RAISE EXCEPTION 'publication "%" would hold no table: give the outbox table (placeholder outbox_table), or create the relay''s tables (script 2) in the schema given as relay_schema first',
            '${publication}' USING ERRCODE = 'undefined_table';
    END IF;
    SELECT * INTO pub FROM pg_catalog.pg_publication WHERE pubname = '${publication}';
    IF pub.puballtables THEN
        RETURN;
    END IF;
    FOREACH wanted IN ARRAY tables LOOP
        -- pg_publication_tables also lists the tables of a FOR TABLES IN SCHEMA publication
        CONTINUE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables t
                              WHERE t.pubname = pub.pubname
                                AND pg_catalog.format('%I.%I', t.schemaname, t.tablename)::regclass = wanted);
        read_columns := NULL;
        IF wanted = outbox AND pg_catalog.current_setting('server_version_num')::int >= 150000 THEN
            -- nested: pg_publication_namespace exists from PostgreSQL 15 on
            IF (SELECT c.relkind <> 'p' FROM pg_catalog.pg_class c WHERE c.oid = outbox)
               AND (pub.oid IS NULL OR NOT (pub.pubupdate OR pub.pubdelete))
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_namespace n WHERE n.pnpubid = pub.oid) THEN
                SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum)
                  INTO read_columns
                  FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = outbox AND a.attnum > 0 AND NOT a.attisdropped
                   AND a.attname IN ('id', 'aggregatetype', 'aggregateid', 'type', 'payload',
                                     'tracingspancontext', 'headers');
            END IF;
        END IF;
        IF read_columns IS NULL THEN
            missing := missing || wanted::text;
        ELSE
            missing := missing || pg_catalog.format('%s (%s)', wanted, read_columns);
        END IF;
    END LOOP;
    IF pub.oid IS NULL THEN
        EXECUTE pg_catalog.format('CREATE PUBLICATION %I FOR TABLE %s WITH (publish = %L)', '${publication}',
                                  pg_catalog.array_to_string(missing, ', '), 'insert');
    ELSIF pg_catalog.cardinality(missing) > 0 THEN
        EXECUTE pg_catalog.format('ALTER PUBLICATION %I ADD TABLE %s', pub.pubname,
                                  pg_catalog.array_to_string(missing, ', '));
    END IF;
END
$$;
