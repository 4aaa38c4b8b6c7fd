-- date_trunc: grouping timestamps by month
--
-- Finance wants the revenue per calendar month, cancelled orders left out,
-- oldest month first. `extract(month FROM placed_at)` looks like the month,
-- but it is only the month's number: January 2023 and January 2024 both give
-- 1, and a report grouped on it silently adds up two years.
-- `date_trunc('month', placed_at)` cuts the timestamp down to the first
-- instant of its month, so each group is one real month; in the session's
-- time zone (UTC here), which matters for an order at 23:30 on the 31st.
--
-- Write a query that returns one row per month that has orders:
--
--   month                           | revenue_cents
--   --------------------------------+------------------
--   date_trunc('month', placed_at)  | sum of total_cents
--
-- cancelled orders excluded, in order of month.
SELECT extract(month FROM placed_at) AS month, sum(total_cents) AS revenue_cents
  FROM orders
 WHERE status <> 'cancelled'
 GROUP BY 1
 ORDER BY 1;
