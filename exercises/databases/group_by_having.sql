-- Filtering groups: rows before grouping, groups after
--
-- Marketing sends a loyalty coupon to returning customers: everyone with at
-- least 2 orders that were not cancelled. Two filters, at two moments: one
-- is about a single order (is it cancelled?) and must act before the orders
-- are counted, so that cancelled ones never reach the count; the other is
-- about a customer's group of orders (are there 2?) and can only act once
-- the count exists. Put a filter at the wrong moment and the query does not
-- run, or worse, runs and sends coupons to the wrong people.
--
-- The query below puts the count in WHERE. Fix it: return each customer_id
-- with its number of orders that were not cancelled, for the customers who
-- have at least 2 such orders, in any order:
--
--   customer_id | orders
--   ------------+-------
--   1           | 3
--   ...

SELECT customer_id, COUNT(*) AS orders
  FROM orders
 WHERE COUNT(*) >= 2
 GROUP BY customer_id;
