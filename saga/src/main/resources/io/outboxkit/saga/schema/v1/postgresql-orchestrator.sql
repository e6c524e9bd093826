-- OutboxKit sagas, orchestrator tables, schema version 1, PostgreSQL.
-- Idempotent: safe to run again. ${schema} is the schema that holds the tables (Flyway replaces the same
-- placeholder; SagaSchema.orchestrator(..) installs the script with the schema it is given).

-- One row per saga: where it is, its data, and when the scanner must look at it again.
CREATE TABLE IF NOT EXISTS ${schema}.saga_instance (
    saga_type     varchar(255) NOT NULL,
    saga_id       varchar(255) NOT NULL,
    state         varchar(16)  NOT NULL,          -- RUNNING, COMPENSATING, COMPLETED, COMPENSATED, FAILED
    step          integer      NOT NULL,          -- the step in progress (RUNNING) or being compensated
    attempt       integer      NOT NULL DEFAULT 0,-- commands sent for that step in this phase
    waiting_for   varchar(16),                    -- REPLY (a command is out) or RETRY (a resend is due)
    pivot_passed  boolean      NOT NULL DEFAULT false,
    data          jsonb        NOT NULL,
    version       bigint       NOT NULL DEFAULT 0,
    next_check_at timestamptz,                    -- step deadline or retry time; null in a final state
    saga_deadline timestamptz,
    last_error    text,
    trace_context varchar(512),                   -- the trace the saga joined at its start (W3C, as in the outbox)
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (saga_type, saga_id)
);

-- A table made before trace_context existed gets it.
ALTER TABLE ${schema}.saga_instance ADD COLUMN IF NOT EXISTS trace_context varchar(512);

-- The scanner claims due sagas by this index (FOR UPDATE SKIP LOCKED).
CREATE INDEX IF NOT EXISTS saga_instance_due_idx ON ${schema}.saga_instance (next_check_at)
    WHERE state IN ('RUNNING', 'COMPENSATING');

-- Operators list sagas by state and age; retention deletes finished ones by age.
CREATE INDEX IF NOT EXISTS saga_instance_state_idx ON ${schema}.saga_instance (state, updated_at);

-- Every transition of every saga, for audit: what was sent, what came back, what the scanner did.
CREATE TABLE IF NOT EXISTS ${schema}.saga_step_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    saga_type   varchar(255) NOT NULL,
    saga_id     varchar(255) NOT NULL,
    step        integer      NOT NULL,
    step_name   varchar(255) NOT NULL,
    phase       varchar(16)  NOT NULL,            -- SAGA, ACTION or COMPENSATION
    event       varchar(32)  NOT NULL,
    attempt     integer      NOT NULL,
    detail      text,
    at          timestamptz  NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX IF NOT EXISTS saga_step_history_saga_idx ON ${schema}.saga_step_history (saga_type, saga_id, id);
