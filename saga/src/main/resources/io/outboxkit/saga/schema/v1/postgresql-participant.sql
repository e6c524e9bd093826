-- OutboxKit sagas, participant barrier, schema version 1, PostgreSQL.
-- Idempotent: safe to run again. ${schema} is the schema that holds the table (Flyway replaces the same
-- placeholder; SagaSchema.participant(..) installs the script with the schema it is given).

-- One row per operation a participant took part in, written in the operation's own transaction. The
-- primary key serialises an action and its compensation: a compensation that finds no action row inserts
-- one as BLOCKED (null compensation), and the action arriving later finds it and is refused.
CREATE TABLE IF NOT EXISTS ${schema}.saga_barrier (
    saga_type   varchar(255) NOT NULL,
    saga_id     varchar(255) NOT NULL,
    step        integer      NOT NULL,
    phase       varchar(16)  NOT NULL,            -- ACTION or COMPENSATION
    outcome     varchar(16)  NOT NULL,            -- APPLIED, BLOCKED (action refused) or NONE (null compensation)
    reply       text,                             -- the reply body sent, sent again for a repeated command
    created_at  timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (saga_type, saga_id, step, phase)
);

-- Retention deletes rows by age in bounded batches.
CREATE INDEX IF NOT EXISTS saga_barrier_created_at_idx ON ${schema}.saga_barrier (created_at);
