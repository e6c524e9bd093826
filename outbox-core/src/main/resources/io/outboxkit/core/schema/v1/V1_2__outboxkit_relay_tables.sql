-- OutboxKit schema version 1 (PostgreSQL), script 2 of 4: the relay's own tables. Idempotent.
-- Placeholder: ${relay_schema}, the schema of the relay's tables (the relay's relaySchema setting; by default
-- the outbox table's schema, for example public). The schema must exist. Needs CREATE on the schema.
-- The relay runs this script on start with its own settings; Flyway and Liquibase replace the placeholder
-- the same way (see outbox-writer's README). Run it before script 3, which adds the heartbeat table to the
-- publication.

-- The relay's position: Debezium's offsets, one row per key, written only for acknowledged records.
CREATE TABLE IF NOT EXISTS ${relay_schema}.outboxkit_relay_offset (
    store_name   varchar(255) NOT NULL,
    offset_key   text         NOT NULL,
    offset_value text         NOT NULL,
    updated_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (store_name, offset_key)
);

-- Heartbeats: the relay inserts a row per slot every heartbeat interval (and deletes the slot's older
-- rows in the same statement). The insert is a change in the publication, so the slot advances while the
-- outbox is quiet. Inserts only, so it works with a publication that publishes inserts only.
CREATE TABLE IF NOT EXISTS ${relay_schema}.outboxkit_relay_heartbeat (
    id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slot_name varchar(63) NOT NULL,
    beat_at   timestamptz NOT NULL DEFAULT now()
);

-- What the relay knows it delivered, per slot, so that it can fill a gap in the stream from the outbox
-- table: after the slot was created late or again, after the publication was dropped and created again,
-- or after the outbox table left the publication and joined it again, the relay publishes once more every
-- outbox row of a transaction from delivered_below_xid on (all rows when it is null).
CREATE TABLE IF NOT EXISTS ${relay_schema}.outboxkit_relay_watermark (
    slot_name           varchar(63) PRIMARY KEY,
    -- the publication's membership when last checked (catalog oids); a change means a possible gap
    publication         text,
    -- every outbox row of a transaction with a lower id (a 64-bit xid8) is delivered
    delivered_below_xid bigint,
    -- the WAL position at which that was last confirmed, for log lines
    delivered_position  text,
    -- the slot was created after rows may have been written: read them on the next start
    backfill_pending    boolean     NOT NULL DEFAULT false,
    -- ... those of transactions below this id (64-bit): later ones are in the new slot's stream
    backfill_below_xid  bigint,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
