-- OutboxKit outbox schema, version 1, for PostgreSQL.
--
-- Creates the outbox table and the publication the relay reads it through. Idempotent: running it again
-- changes nothing. Run it in a transaction (Flyway and Liquibase do by default), before the replication
-- slot script (postgresql-replication-slot.sql) and before the first event is written.
--
-- Names used: schema "public", table "outbox_event", publication "outboxkit". To use other names, copy this
-- file and replace them, or let OutboxSchema install it: it substitutes validated names for these.
-- The schema must exist. Creating a publication needs the CREATE privilege on the database and ownership
-- of the table.

CREATE TABLE IF NOT EXISTS "public"."outbox_event" (
  id uuid PRIMARY KEY,
  aggregatetype varchar(255) NOT NULL,
  aggregateid varchar(255) NOT NULL,
  type varchar(255) NOT NULL,
  payload jsonb,
  tracingspancontext varchar(512),
  headers jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The publication holds the outbox table only and publishes inserts only: the relay needs nothing else,
-- and the deletes of TABLE_DELETE_AFTER_INSERT mode (or a cleanup job) never reach it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'outboxkit') THEN
    CREATE PUBLICATION "outboxkit" FOR TABLE "public"."outbox_event" WITH (publish = 'insert');
  ELSIF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables
                    WHERE pubname = 'outboxkit' AND schemaname = 'public' AND tablename = 'outbox_event') THEN
    ALTER PUBLICATION "outboxkit" ADD TABLE "public"."outbox_event";
  END IF;
END
$$;
