-- The business table of the writer benchmark: each business transaction inserts 100 of these rows.
CREATE TABLE IF NOT EXISTS public.bench_order (
    id          uuid         PRIMARY KEY,
    customer_id varchar(64)  NOT NULL,
    status      varchar(32)  NOT NULL,
    details     jsonb        NOT NULL,
    created_at  timestamptz  NOT NULL DEFAULT now()
);
