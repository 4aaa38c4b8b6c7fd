-- Step 1: one row per order that counts, with its month and its total.
-- Step 2: one row per month, counting orders (not items) and adding totals.
WITH order_totals AS (
    SELECT o.id,
           strftime('%Y-%m', o.placed_at)  AS month,
           SUM(i.quantity * i.unit_price_cents) AS total
      FROM orders AS o
      JOIN order_items AS i ON i.order_id = o.id
     WHERE o.status <> 'cancelled'
     GROUP BY o.id
)
SELECT month,
       COUNT(*)   AS orders,
       SUM(total) AS revenue_cents
  FROM order_totals
 GROUP BY month
 ORDER BY month;
