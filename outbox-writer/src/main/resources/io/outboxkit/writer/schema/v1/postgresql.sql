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
-- and the deletes of TABLE_DELETE_AFTER_INSERT mode (or a cleanup job) never reach it. On PostgreSQL 15
-- and later it publishes only the columns the relay reads (all but created_at, and none you added), so
-- that they alone are decoded for every event; not where PostgreSQL refuses a column list or it could
-- break writes: a partitioned table, or an existing publication with FOR TABLES IN SCHEMA elements or that
-- publishes updates or deletes. A consumer of the publication that needs another column (Debezium's
-- EventRouter with table.field.event.timestamp=created_at, say) must be given it, in one transaction:
-- ALTER PUBLICATION "outboxkit" DROP TABLE "public"."outbox_event";
-- ALTER PUBLICATION "outboxkit" ADD TABLE "public"."outbox_event" (id, ..., created_at);
DO $$
DECLARE
  pub pg_catalog.pg_publication%ROWTYPE;
  outbox text := '"public"."outbox_event"';
  read_columns text;
BEGIN
  SELECT * INTO pub FROM pg_catalog.pg_publication WHERE pubname = 'outboxkit';
  IF pub.oid IS NOT NULL AND EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE
      pubname = 'outboxkit' AND schemaname = 'public' AND tablename = 'outbox_event') THEN
    RETURN;
  END IF;
  IF pg_catalog.current_setting('server_version_num')::int >= 150000 THEN
    -- nested: pg_publication_namespace exists from PostgreSQL 15 on
    IF (SELECT c.relkind <> 'p' FROM pg_catalog.pg_class c WHERE c.oid = outbox::regclass)
       AND (pub.oid IS NULL OR NOT (pub.pubupdate OR pub.pubdelete))
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_namespace n WHERE n.pnpubid = pub.oid) THEN
      SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO read_columns
        FROM pg_catalog.pg_attribute a
       WHERE a.attrelid = outbox::regclass AND a.attnum > 0 AND NOT a.attisdropped
         AND a.attname IN ('id', 'aggregatetype', 'aggregateid', 'type', 'payload', 'tracingspancontext',
                           'headers');
    END IF;
  END IF;
  IF read_columns IS NOT NULL THEN
    outbox := outbox || ' (' || read_columns || ')';
  END IF;
  IF pub.oid IS NULL THEN
    EXECUTE 'CREATE PUBLICATION "outboxkit" FOR TABLE ' || outbox || ' WITH (publish = ''insert'')';
  ELSIF NOT pub.puballtables THEN
    EXECUTE 'ALTER PUBLICATION "outboxkit" ADD TABLE ' || outbox;
  END IF;
END
$$;
