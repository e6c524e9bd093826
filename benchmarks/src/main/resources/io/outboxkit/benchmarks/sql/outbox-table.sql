-- The outbox table as the design lays it out (and as Debezium's Outbox Event Router reads it). The harness
-- writes the relay benchmarks' events here itself, so every table-reading relay reads the same rows.
CREATE TABLE IF NOT EXISTS public.outbox_event (
    id                 uuid         PRIMARY KEY,
    aggregatetype      varchar(255) NOT NULL,
    aggregateid        varchar(255) NOT NULL,
    type               varchar(255) NOT NULL,
    payload            jsonb,
    tracingspancontext varchar(512),
    headers            jsonb,
    created_at         timestamptz  NOT NULL DEFAULT now()
);
