-- order-service's own tables (the outbox and inbox tables come from OutboxKit's schema initialization)
CREATE TABLE IF NOT EXISTS orders (
    id          uuid          PRIMARY KEY,
    customer_id varchar(64)   NOT NULL,
    product     varchar(64)   NOT NULL,
    quantity    integer       NOT NULL CHECK (quantity > 0),
    amount      numeric(12,2) NOT NULL CHECK (amount > 0),
    status      varchar(16)   NOT NULL CHECK (status IN ('PENDING', 'COMPLETED', 'CANCELLED')),
    reason      varchar(512),
    created_at  timestamptz   NOT NULL,
    finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS orders_status_idx ON orders (status);
