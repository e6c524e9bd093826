-- The database effect of the inbox benchmark's consumer: a projection with one row per aggregate,
-- upserted for every message.
CREATE TABLE IF NOT EXISTS public.bench_projection (
    aggregate_id varchar(255) PRIMARY KEY,
    last_seq     bigint       NOT NULL,
    events       bigint       NOT NULL
);
