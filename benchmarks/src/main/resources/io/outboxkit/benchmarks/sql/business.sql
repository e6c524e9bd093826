-- The business tables of the writer benchmark. The bulk shape inserts 100 orders per transaction; the order
-- shape one order and three order lines, as a service that takes an order does.
CREATE TABLE IF NOT EXISTS public.bench_order (
    id          uuid         PRIMARY KEY,
    customer_id varchar(64)  NOT NULL,
    status      varchar(32)  NOT NULL,
    details     jsonb        NOT NULL,
    created_at  timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.bench_order_line (
    order_id    uuid          NOT NULL REFERENCES public.bench_order (id),
    line_no     integer       NOT NULL,
    product_id  varchar(64)   NOT NULL,
    quantity    integer       NOT NULL,
    unit_price  numeric(12,2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
