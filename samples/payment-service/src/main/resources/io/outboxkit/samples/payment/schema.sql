-- payment-service's own tables (the outbox and inbox tables come from OutboxKit's schema initialization)
CREATE TABLE IF NOT EXISTS customer_account (
    customer_id  varchar(64)   PRIMARY KEY,
    credit_limit numeric(12,2) NOT NULL CHECK (credit_limit >= 0)
);
-- one row per order whose stock was reserved: CHARGED or DECLINED (choreography), CHARGED or REFUNDED (saga:
-- a declined charge writes nothing there, its refusal is the saga's reason)
CREATE TABLE IF NOT EXISTS payment (
    order_id    uuid          PRIMARY KEY,
    customer_id varchar(64)   NOT NULL,
    amount      numeric(12,2) NOT NULL,
    status      varchar(16)   NOT NULL CHECK (status IN ('CHARGED', 'DECLINED', 'REFUNDED')),
    reason      varchar(512),
    created_at  timestamptz   NOT NULL
);
