-- CreateOrder with 5 lines: OrderStore.create, one transaction.
-- Written by bench/src/main/java/com/example/orders/bench/PgbenchScripts.java from the service's Sql.
\set customer_id random(1, :customers)
\set request_id random(1, 9223372036854775806)
\set permutation random(0, 2147483647)
\set p1 permute(0, :products, :permutation) + 1
\set p2 permute(1, :products, :permutation) + 1
\set p3 permute(2, :products, :permutation) + 1
\set p4 permute(3, :products, :permutation) + 1
\set p5 permute(4, :products, :permutation) + 1
\set total_cents 0
BEGIN;
INSERT INTO orders (customer_id, request_id, status, total_cents)
SELECT c.id, :request_id, 'PENDING', 0 FROM customers c WHERE c.id = :customer_id
ON CONFLICT (customer_id, request_id) DO NOTHING
RETURNING id \gset
\set order_id :id
SELECT id, sku, price_cents, stock
FROM products
WHERE id = ANY(CAST(ARRAY[:p1, :p2, :p3, :p4, :p5] AS bigint[]))
ORDER BY id
FOR UPDATE;
WITH wanted AS (
    SELECT w.product_id, w.quantity, w.line_no
    FROM unnest(CAST(ARRAY[:p1, :p2, :p3, :p4, :p5] AS bigint[]), CAST(ARRAY[1, 1, 1, 1, 1] AS integer[]))
         WITH ORDINALITY AS w (product_id, quantity, line_no)
), taken AS (
    UPDATE products p SET stock = p.stock - wanted.quantity
    FROM wanted
    WHERE p.id = wanted.product_id
    RETURNING p.id, p.price_cents
), total AS (
    UPDATE orders SET total_cents = :total_cents WHERE id = :order_id
)
INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)
SELECT :order_id, wanted.line_no, wanted.product_id, wanted.quantity, taken.price_cents
FROM wanted JOIN taken ON taken.id = wanted.product_id;
SELECT o.id, o.request_id, o.status, o.total_cents, o.created_at, o.updated_at,
       c.id AS customer_id, c.name AS customer_name, c.email AS customer_email,
       l.product_id, l.quantity, l.unit_price_cents, p.sku, p.name AS product_name
FROM orders o
JOIN customers c ON c.id = o.customer_id
LEFT JOIN (order_lines l JOIN products p ON p.id = l.product_id) ON l.order_id = o.id
WHERE o.id = :order_id
ORDER BY l.line_no;
COMMIT;
