-- Joining tables: JOIN … ON
--
-- An order row holds only customer_id; the customer's name lives in the
-- customers table. A join pairs the rows of two tables, and its ON condition
-- says which pairs belong together. Forget the condition and you get every
-- order paired with every customer, a cross join: 9 orders × 8 customers =
-- 72 rows here, and on a real shop (a million orders × a million customers)
-- a query that never finishes while it eats the database's memory.
--
-- The query below forgets it. Fix it: one row per order, with the order's
-- id, the time it was placed and the name of the customer who placed it, in
-- any order:
--
--   id | placed_at           | name
--   ---+---------------------+-------------
--   1  | 2026-01-05 09:12:00 | Ada Lovelace
--   ...

SELECT o.id, o.placed_at, c.name
  FROM orders AS o, customers AS c;
