-- The outbox: one row per change to an order, written in the change's own transaction. WatchOrderEvents
-- reads them once sequenced; the relay publishes them to RabbitMQ (published_at set once the broker
-- confirmed).

CREATE TABLE order_events (
    -- Drawn at insert, which is not the order in which the inserts commit.
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The event's public id (OrderEvent.event_id): given after commit by the sequencer, one
    -- instance at a time, in the order the events became visible, so that a reader that has seen
    -- position p will never find a later-committed event below p. Null until then.
    position     bigint      UNIQUE,
    order_id     bigint      NOT NULL REFERENCES orders (id),
    customer_id  bigint      NOT NULL,
    sequence     integer     NOT NULL,
    type         text        NOT NULL CHECK (type IN ('CREATED', 'PAID', 'SHIPPED', 'CANCELLED')),
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    -- The order as the change left it, as the proto's Order message.
    payload      bytea       NOT NULL,
    published_at timestamptz,
    CONSTRAINT order_events_order_sequence_key UNIQUE (order_id, sequence)
);
-- The sequencer's work.
CREATE INDEX order_events_unsequenced_idx ON order_events (id) WHERE position IS NULL;
-- The relay's work: what is not published yet, by order.
CREATE INDEX order_events_unpublished_idx ON order_events (order_id, sequence) WHERE published_at IS NULL;
-- Pruning what was published long enough ago.
CREATE INDEX order_events_published_at_idx ON order_events (published_at) WHERE published_at IS NOT NULL;
-- WatchOrderEvents for one customer.
CREATE INDEX order_events_customer_idx ON order_events (customer_id, position);
