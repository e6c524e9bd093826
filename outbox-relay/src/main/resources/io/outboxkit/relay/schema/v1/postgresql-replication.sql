-- OutboxKit relay: publication and logical replication slot, version 1 (PostgreSQL). Idempotent.
-- Run it when installing the outbox schema, before the first event is written: PostgreSQL keeps WAL for
-- a slot only from the slot's creation on, and a publication sends only changes made after a table joined
-- it. The relay runs the same statements on start (OutboxRelay.prepareReplication() runs them alone).
-- Placeholders (validated identifiers; the relay substitutes them, or replace them by hand):
--   ${publication}  the publication name (lower case)
--   ${slot}         the replication slot name (lower case)
--   ${tables}       the tables the publication covers, each quoted and schema-qualified, comma-separated:
--                   the outbox table and the relay's heartbeat table (only the heartbeat table in
--                   WAL-message mode), for example "public"."outbox_event", "public"."outboxkit_relay_heartbeat"
-- The publication publishes inserts only: the relay needs nothing else, and deletes (the writer's
-- delete-after-insert mode, clean-up jobs) or updates never reach it. Existing publications are kept as
-- they are, with the missing tables added.
-- Creating the slot needs the REPLICATION attribute (or superuser); creating the publication needs
-- ownership of the tables. The relay's own tables must exist first (schema/v1/postgresql.sql).

DO $$
DECLARE
    pub pg_catalog.pg_publication%ROWTYPE;
    wanted regclass;
BEGIN
    SELECT * INTO pub FROM pg_catalog.pg_publication WHERE pubname = '${publication}';
    IF NOT FOUND THEN
        CREATE PUBLICATION "${publication}" FOR TABLE ${tables} WITH (publish = 'insert');
    ELSIF NOT pub.puballtables THEN
        FOREACH wanted IN ARRAY regexp_split_to_array('${tables}', '\s*,\s*')::regclass[] LOOP
            IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel
                           WHERE prpubid = pub.oid AND prrelid = wanted) THEN
                EXECUTE format('ALTER PUBLICATION %I ADD TABLE %s', pub.pubname, wanted);
            END IF;
        END LOOP;
    END IF;
END
$$;

SELECT pg_catalog.pg_create_logical_replication_slot('${slot}', 'pgoutput')
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = '${slot}');
