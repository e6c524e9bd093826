-- The billing service's effects: one row per application of an event. No unique constraint on purpose:
-- an event applied twice shows up as two rows, and the reconciliation counts them.
CREATE TABLE IF NOT EXISTS effect (
    id              bigserial     PRIMARY KEY,
    event_id        varchar(1024) NOT NULL,
    aggregate_id    varchar(255),
    event_seq       integer,
    amount          integer,
    instance        varchar(100)  NOT NULL,
    topic           varchar(255)  NOT NULL,
    kafka_partition integer       NOT NULL,
    kafka_offset    bigint        NOT NULL,
    applied_at      timestamptz   NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS effect_event_id_idx ON effect (event_id);
CREATE INDEX IF NOT EXISTS effect_aggregate_idx ON effect (aggregate_id, event_seq);
