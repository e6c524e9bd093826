-- OutboxKit schema version 1 (PostgreSQL), script 4 of 4: the logical replication slot (plugin pgoutput)
-- the relay streams from. Idempotent: if the slot exists in this database with plugin pgoutput, nothing
-- happens; a slot of that name elsewhere is an error.
-- Placeholder: ${slot}, the slot's name (lower-case letters, digits and underscores).
-- outbox-writer's OutboxSchema and the relay's preparation run this same script with their settings.
--
-- Run it after script 3 and before the first event is written: the relay starts at the slot's position, so
-- events committed before the slot existed would never be published. It must run OUTSIDE a transaction that
-- has written anything (PostgreSQL refuses to create a logical slot there): Flyway reads
-- executeInTransaction=false from the .conf file beside this script; in Liquibase use runInTransaction="false".
-- Creating the slot waits until transactions that are writing at that moment have ended. It needs the
-- REPLICATION attribute (or superuser) and wal_level=logical.
--
-- While no relay consumes it, the slot keeps the write-ahead log from being recycled: start the relay soon,
-- and drop the slot (SELECT pg_drop_replication_slot('<slot>')) if the relay is taken away.

DO $$
DECLARE
    existing record;
BEGIN
    SELECT database, plugin, slot_type INTO existing
      FROM pg_catalog.pg_replication_slots WHERE slot_name = '${slot}';
    IF NOT FOUND THEN
        PERFORM pg_catalog.pg_create_logical_replication_slot('${slot}', 'pgoutput');
    ELSIF existing.slot_type IS DISTINCT FROM 'logical' OR existing.database IS DISTINCT FROM current_database()
        OR existing.plugin IS DISTINCT FROM 'pgoutput' THEN
        RAISE EXCEPTION 'replication slot "%" already exists (type %, database %, plugin %), but the relay needs a logical slot with plugin pgoutput in database %: choose another slot name',
            '${slot}', existing.slot_type, existing.database, existing.plugin, current_database()
            USING ERRCODE = 'duplicate_object';
    END IF;
END
$$;
