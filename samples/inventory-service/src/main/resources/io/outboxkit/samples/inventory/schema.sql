-- inventory-service's own tables (the outbox and inbox tables come from OutboxKit's schema initialization)
CREATE TABLE IF NOT EXISTS product (
    sku       varchar(64) PRIMARY KEY,
    available integer     NOT NULL CHECK (available >= 0)
);
-- one row per order: RESERVED (stock held), RELEASED (given back after a failed payment) or REJECTED (none held;
-- choreography only: in the saga a refused reservation writes nothing, its refusal is the saga's reason)
CREATE TABLE IF NOT EXISTS reservation (
    order_id   uuid         PRIMARY KEY,
    sku        varchar(64)  NOT NULL,
    quantity   integer      NOT NULL CHECK (quantity > 0),
    status     varchar(16)  NOT NULL CHECK (status IN ('RESERVED', 'RELEASED', 'REJECTED')),
    reason     varchar(512),
    created_at timestamptz  NOT NULL,
    updated_at timestamptz  NOT NULL
);
CREATE INDEX IF NOT EXISTS reservation_sku_idx ON reservation (sku);
