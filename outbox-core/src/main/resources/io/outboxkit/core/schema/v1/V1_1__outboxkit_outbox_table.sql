-- OutboxKit schema version 1 (PostgreSQL), script 1 of 4: the outbox table. Idempotent.
-- Placeholder: ${outbox_table}, the outbox table, schema-qualified (for example public.outbox_event; quote
-- names that need it). The schema must exist. Needs CREATE on the schema.
-- outbox-writer's OutboxSchema runs this script with the names it is given; Flyway and Liquibase replace the
-- placeholder the same way (see outbox-writer's README).

CREATE TABLE IF NOT EXISTS ${outbox_table} (
    id                 uuid         PRIMARY KEY,
    aggregatetype      varchar(255) NOT NULL,
    aggregateid        varchar(255) NOT NULL,
    type               varchar(255) NOT NULL,
    payload            jsonb,
    tracingspancontext varchar(512),
    headers            jsonb,
    created_at         timestamptz  NOT NULL DEFAULT now()
);
