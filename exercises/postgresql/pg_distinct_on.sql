-- DISTINCT ON: the latest row of each group
--
-- The account page shows each customer's most recent order. "The latest row
-- per group" is one of the most common queries there is; PostgreSQL's
-- DISTINCT ON (customer_id) keeps the FIRST row of each customer_id in the
-- ORDER BY's order, so the ORDER BY decides which row that is: it must start
-- with the DISTINCT ON columns, then say what "first" means. Without a
-- tiebreaker, two orders placed at the same instant make the answer change
-- from run to run.
--
-- Write a query that returns, for every customer with orders, their latest
-- order (latest placed_at; among orders placed at the same instant, the
-- highest id):
--
--   customer_id | order_id | placed_at
--
-- ordered by customer_id.
SELECT DISTINCT ON (customer_id) customer_id, id AS order_id, placed_at
  FROM orders
 ORDER BY customer_id, placed_at;
