-- Customers, products, orders and their lines. Money in integer cents.

CREATE TABLE customers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text        NOT NULL,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Emails are unique whatever their case.
CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));

CREATE TABLE products (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    price_cents bigint      NOT NULL CHECK (price_cents >= 0),
    stock       integer     NOT NULL CHECK (stock >= 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint      NOT NULL REFERENCES customers (id),
    request_id  text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('PENDING', 'PAID', 'SHIPPED', 'CANCELLED')),
    total_cents bigint      NOT NULL CHECK (total_cents >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- Makes CreateOrder idempotent per customer.
    CONSTRAINT orders_customer_request_key UNIQUE (customer_id, request_id)
);
-- ListOrders: a customer's orders newest (highest id) first, keyset-paginated.
CREATE INDEX orders_customer_id_idx ON orders (customer_id, id DESC);

CREATE TABLE order_lines (
    order_id         bigint  NOT NULL REFERENCES orders (id),
    line_no          integer NOT NULL,
    product_id       bigint  NOT NULL REFERENCES products (id),
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_cents bigint  NOT NULL CHECK (unit_price_cents >= 0),
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_lines_order_product_key UNIQUE (order_id, product_id)
);
CREATE INDEX order_lines_product_id_idx ON order_lines (product_id);
