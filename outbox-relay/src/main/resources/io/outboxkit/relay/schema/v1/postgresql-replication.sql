-- OutboxKit relay: publication and logical replication slot, version 1 (PostgreSQL). Idempotent.
-- Run it when installing the outbox schema, before the first event is written: PostgreSQL keeps WAL for
-- a slot only from the slot's creation on, and a publication sends only changes made after a table joined
-- it. The relay runs the same statements on start (OutboxRelay.prepareReplication() runs them alone).
-- Placeholders (validated identifiers; the relay substitutes them, or replace them by hand):
--   ${publication}      the publication name (lower case)
--   ${slot}             the replication slot name (lower case)
--   ${outbox_table}     the outbox table, quoted and schema-qualified, for example "public"."outbox_event";
--                       empty in WAL-message mode
--   ${heartbeat_table}  the relay's heartbeat table, for example "public"."outboxkit_relay_heartbeat"
-- The publication publishes inserts only: the relay needs nothing else, and deletes (the writer's
-- delete-after-insert mode, clean-up jobs) or updates never reach it. On PostgreSQL 15 and later the
-- outbox table is published with the columns the relay reads only (a column list leaving out created_at
-- and any column of your own), so that neither PostgreSQL nor the relay decodes the others for every
-- event; not where PostgreSQL refuses a column list or it could break writes: a partitioned outbox table,
-- or an existing publication with FOR TABLES IN SCHEMA elements or that publishes updates or deletes.
-- Existing publications are kept as they are, with the missing tables added.
-- Creating the slot needs the REPLICATION attribute (or superuser); creating the publication needs
-- ownership of the tables. The relay's own tables must exist first (schema/v1/postgresql.sql).

DO $$
DECLARE
    pub pg_catalog.pg_publication%ROWTYPE;
    outbox regclass;
    wanted regclass;
    tables regclass[] := ARRAY['${heartbeat_table}']::regclass[];
    missing text[] := ARRAY[]::text[];
    read_columns text;
BEGIN
    IF '${outbox_table}' <> '' THEN
        outbox := '${outbox_table}'::regclass;
        tables := outbox || tables;
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

SELECT pg_catalog.pg_create_logical_replication_slot('${slot}', 'pgoutput')
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = '${slot}');
