-- Top N: ORDER BY … LIMIT
--
-- The "Premium picks" banner shows the 3 most expensive products. A table
-- has no order of its own: without ORDER BY, SQLite (like PostgreSQL and
-- MySQL) returns rows in whatever order is cheapest for it today, often the
-- order they were inserted in, until an index, a VACUUM or an upgrade
-- changes the plan and the banner silently shows other products. LIMIT
-- without ORDER BY means "any 3 rows". And a sort key with ties needs a
-- tiebreaker, or two products of the same price can swap places between two
-- page loads (and between page 1 and page 2).
--
-- The query below takes "the first 3 rows" of the table. Fix it: return the
-- name and price of the 3 most expensive products, most expensive first;
-- products of the same price in alphabetical order of their name:
--
--   name       | price_cents
--   -----------+------------
--   Desk chair | 24900
--   ...

SELECT name, price_cents
  FROM products
 LIMIT 3;
