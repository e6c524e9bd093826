-- The order service's business table: one row per event, written in the event's transaction.
-- (aggregate_id, seq) is unique: the writers number each order's events 0, 1, 2, ... in commit order.
CREATE TABLE IF NOT EXISTS order_row (
    event_id     uuid         PRIMARY KEY,
    aggregate_id varchar(255) NOT NULL,
    seq          integer      NOT NULL,
    amount       integer      NOT NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (aggregate_id, seq)
);
