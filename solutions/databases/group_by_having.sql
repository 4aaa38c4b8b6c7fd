-- WHERE drops cancelled orders before grouping; HAVING keeps the groups
-- that still have 2 orders or more.
SELECT customer_id, COUNT(*) AS orders
  FROM orders
 WHERE status <> 'cancelled'
 GROUP BY customer_id
HAVING COUNT(*) >= 2;
