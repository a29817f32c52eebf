-- CreateOrder with 50 lines: OrderStore.create, one transaction.
-- Written by bench/src/main/java/com/example/orders/bench/PgbenchScripts.java from the service's Sql.
\set customer_id random(1, :customers)
\set request_id random(1, 9223372036854775806)
\set permutation random(0, 2147483647)
\set p1 permute(0, :products, :permutation) + 1
\set p2 permute(1, :products, :permutation) + 1
\set p3 permute(2, :products, :permutation) + 1
\set p4 permute(3, :products, :permutation) + 1
\set p5 permute(4, :products, :permutation) + 1
\set p6 permute(5, :products, :permutation) + 1
\set p7 permute(6, :products, :permutation) + 1
\set p8 permute(7, :products, :permutation) + 1
\set p9 permute(8, :products, :permutation) + 1
\set p10 permute(9, :products, :permutation) + 1
\set p11 permute(10, :products, :permutation) + 1
\set p12 permute(11, :products, :permutation) + 1
\set p13 permute(12, :products, :permutation) + 1
\set p14 permute(13, :products, :permutation) + 1
\set p15 permute(14, :products, :permutation) + 1
\set p16 permute(15, :products, :permutation) + 1
\set p17 permute(16, :products, :permutation) + 1
\set p18 permute(17, :products, :permutation) + 1
\set p19 permute(18, :products, :permutation) + 1
\set p20 permute(19, :products, :permutation) + 1
\set p21 permute(20, :products, :permutation) + 1
\set p22 permute(21, :products, :permutation) + 1
\set p23 permute(22, :products, :permutation) + 1
\set p24 permute(23, :products, :permutation) + 1
\set p25 permute(24, :products, :permutation) + 1
\set p26 permute(25, :products, :permutation) + 1
\set p27 permute(26, :products, :permutation) + 1
\set p28 permute(27, :products, :permutation) + 1
\set p29 permute(28, :products, :permutation) + 1
\set p30 permute(29, :products, :permutation) + 1
\set p31 permute(30, :products, :permutation) + 1
\set p32 permute(31, :products, :permutation) + 1
\set p33 permute(32, :products, :permutation) + 1
\set p34 permute(33, :products, :permutation) + 1
\set p35 permute(34, :products, :permutation) + 1
\set p36 permute(35, :products, :permutation) + 1
\set p37 permute(36, :products, :permutation) + 1
\set p38 permute(37, :products, :permutation) + 1
\set p39 permute(38, :products, :permutation) + 1
\set p40 permute(39, :products, :permutation) + 1
\set p41 permute(40, :products, :permutation) + 1
\set p42 permute(41, :products, :permutation) + 1
\set p43 permute(42, :products, :permutation) + 1
\set p44 permute(43, :products, :permutation) + 1
\set p45 permute(44, :products, :permutation) + 1
\set p46 permute(45, :products, :permutation) + 1
\set p47 permute(46, :products, :permutation) + 1
\set p48 permute(47, :products, :permutation) + 1
\set p49 permute(48, :products, :permutation) + 1
\set p50 permute(49, :products, :permutation) + 1
\set total_cents 0
BEGIN;
INSERT INTO orders (customer_id, request_id, status, total_cents)
SELECT c.id, :request_id, 'PENDING', 0 FROM customers c WHERE c.id = :customer_id
ON CONFLICT (customer_id, request_id) DO NOTHING
RETURNING id \gset
\set order_id :id
SELECT id, sku, price_cents, stock
FROM products
WHERE id = ANY(CAST(ARRAY[:p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9, :p10, :p11, :p12, :p13, :p14, :p15, :p16, :p17, :p18, :p19, :p20, :p21, :p22, :p23, :p24, :p25, :p26, :p27, :p28, :p29, :p30, :p31, :p32, :p33, :p34, :p35, :p36, :p37, :p38, :p39, :p40, :p41, :p42, :p43, :p44, :p45, :p46, :p47, :p48, :p49, :p50] AS bigint[]))
ORDER BY id
FOR UPDATE;
WITH wanted AS (
    SELECT w.product_id, w.quantity, w.line_no
    FROM unnest(CAST(ARRAY[:p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9, :p10, :p11, :p12, :p13, :p14, :p15, :p16, :p17, :p18, :p19, :p20, :p21, :p22, :p23, :p24, :p25, :p26, :p27, :p28, :p29, :p30, :p31, :p32, :p33, :p34, :p35, :p36, :p37, :p38, :p39, :p40, :p41, :p42, :p43, :p44, :p45, :p46, :p47, :p48, :p49, :p50] AS bigint[]), CAST(ARRAY[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] AS integer[]))
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
