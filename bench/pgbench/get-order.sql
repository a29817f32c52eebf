-- GetOrder: OrderStore.get, one statement.
-- Written by bench/src/main/java/com/example/orders/bench/PgbenchScripts.java from the service's Sql.
\set order_id random(1, :orders)
SELECT o.id, o.request_id, o.status, o.total_cents, o.created_at, o.updated_at,
       c.id AS customer_id, c.name AS customer_name, c.email AS customer_email,
       l.product_id, l.quantity, l.unit_price_cents, p.sku, p.name AS product_name
FROM orders o
JOIN customers c ON c.id = o.customer_id
LEFT JOIN (order_lines l JOIN products p ON p.id = l.product_id) ON l.order_id = o.id
WHERE o.id = :order_id
ORDER BY l.line_no;
