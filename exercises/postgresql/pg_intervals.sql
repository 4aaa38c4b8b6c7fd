-- Timestamps and intervals: subtracting two timestamps gives an interval
--
-- Support wants the orders that took more than two days to ship, slowest
-- first, to chase the warehouse. In PostgreSQL, `shipped_at - placed_at` is
-- an interval ('4 days 20:00:00'), not a number of days: it compares with
-- another interval (`interval '2 days'`), never with a bare 2. Doing the
-- arithmetic in the database keeps time zones and month lengths right;
-- fetching both timestamps to subtract them in the application is where
-- off-by-one-hour bugs are born (daylight saving time).
--
-- Write a query over orders that returns, for every order shipped more than
-- two days (strictly) after it was placed:
--
--   id | shipping_time
--   ---+---------------------------
--   .. | shipped_at - placed_at
--
-- slowest first; orders that took the same time, by id.
SELECT id, shipped_at - placed_at AS shipping_time
  FROM orders
 WHERE shipped_at - placed_at > 2
 ORDER BY shipping_time DESC, id;
