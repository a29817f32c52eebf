-- ListOrders: OrderStore.list, first page of 20, any status, one statement.
-- Written by bench/src/main/java/com/example/orders/bench/PgbenchScripts.java from the service's Sql.
\set customer_id random(1, :customers)
\set after_id 9223372036854775807
\set limit 21
WITH page AS (
    SELECT * FROM orders
    WHERE customer_id = :customer_id
      AND ('' = '' OR status = '')
      AND id < :after_id
    ORDER BY id DESC
    LIMIT :limit
)
SELECT o.id, o.request_id, o.status, o.total_cents, o.created_at, o.updated_at,
       c.id AS customer_id, c.name AS customer_name, c.email AS customer_email,
       l.product_id, l.quantity, l.unit_price_cents, p.sku, p.name AS product_name
FROM customers c
LEFT JOIN page o ON true
LEFT JOIN (order_lines l JOIN products p ON p.id = l.product_id) ON l.order_id = o.id
WHERE c.id = :customer_id
ORDER BY o.id DESC, l.line_no;
