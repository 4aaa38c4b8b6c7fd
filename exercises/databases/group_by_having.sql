-- Filtering groups: HAVING versus WHERE
--
-- Marketing sends a loyalty coupon to returning customers: everyone with at
-- least 2 orders that were not cancelled. Two filters, at two moments:
-- WHERE filters ROWS before they are grouped, HAVING filters GROUPS after
-- the aggregates are computed. A condition on an aggregate (COUNT, SUM, …)
-- can only go in HAVING; a condition on a single row (its status) belongs in
-- WHERE, so that cancelled orders never reach the count. Mix them up and the
-- query does not run, or worse, runs and sends coupons to the wrong people.
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
