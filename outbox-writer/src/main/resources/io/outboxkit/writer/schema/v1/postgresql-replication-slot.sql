-- OutboxKit replication slot, version 1, for PostgreSQL.
--
-- Creates the logical replication slot "outboxkit" (plugin pgoutput) the relay streams from. Run it after
-- postgresql.sql and before the first event is written: the relay starts at the slot's position, so events
-- committed before the slot existed would never be published. Idempotent: if the slot exists in this
-- database with plugin pgoutput, nothing happens; a slot of that name elsewhere is an error.
--
-- It must run OUTSIDE a transaction that has written anything (PostgreSQL refuses to create a logical slot
-- there): in Flyway give it a script configuration file with executeInTransaction=false, in Liquibase
-- runInTransaction="false". Creating the slot waits until transactions that are writing at that moment
-- have ended. It needs the REPLICATION attribute (or superuser) and wal_level=logical.
--
-- While no relay consumes it, the slot keeps the write-ahead log from being recycled: start the relay soon,
-- and drop the slot (SELECT pg_drop_replication_slot('outboxkit')) if the relay is taken away.

DO $$
DECLARE
  existing record;
BEGIN
  SELECT database, plugin, slot_type INTO existing
    FROM pg_catalog.pg_replication_slots WHERE slot_name = 'outboxkit';
  IF NOT FOUND THEN
    PERFORM pg_catalog.pg_create_logical_replication_slot('outboxkit', 'pgoutput');
  ELSIF existing.slot_type IS DISTINCT FROM 'logical' OR existing.database IS DISTINCT FROM current_database()
      OR existing.plugin IS DISTINCT FROM 'pgoutput' THEN
    RAISE EXCEPTION 'replication slot "outboxkit" already exists (type %, database %, plugin %), but the relay needs a logical slot with plugin pgoutput in database %: choose another slot name',
      existing.slot_type, existing.database, existing.plugin, current_database()
      USING ERRCODE = 'duplicate_object';
  END IF;
END
$$;
