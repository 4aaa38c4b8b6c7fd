-- Window frames: ROWS BETWEEN 2 PRECEDING AND CURRENT ROW
--
-- Fraud checks look at what a customer spent over their last three orders.
-- A window function with ORDER BY has a frame, and its default is RANGE
-- BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW: a running total since the
-- first order, where rows that tie on the ORDER BY (two orders at the same
-- instant) are all "current" at once. A sliding window needs the frame
-- spelt out, in rows.
--
-- Write a query over the orders that are not cancelled that returns:
--
--   customer_id | id | total_cents | last_three_cents
--   ------------+----+-------------+------------------------------------------
--               |    |             | sum of total_cents of this order and the
--               |    |             | customer's two orders before it
--
-- where "before" follows placed_at, then id; rows in order of customer_id,
-- placed_at, id.
SELECT customer_id, id, total_cents,
       sum(total_cents) OVER (PARTITION BY customer_id ORDER BY placed_at) AS last_three_cents
  FROM orders
 WHERE status <> 'cancelled'
 ORDER BY customer_id, placed_at, id;
