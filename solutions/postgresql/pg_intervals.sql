-- An interval compares with an interval; orders never shipped have a NULL
-- shipped_at, so their difference is NULL and the WHERE drops them.
SELECT id, shipped_at - placed_at AS shipping_time
  FROM orders
 WHERE shipped_at - placed_at > interval '2 days'
 ORDER BY shipping_time DESC, id;
