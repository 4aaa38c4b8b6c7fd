-- Finding what is missing: LEFT JOIN … WHERE … IS NULL (an anti-join)
--
-- Support wants to win back people who signed up and never bought anything:
-- every customer who has never placed an order (a cancelled order still
-- counts as placed). An inner JOIN keeps only the pairs that match, so a
-- customer without orders is simply not in its result: exactly the rows we
-- are looking for. A LEFT JOIN keeps every row of the left table, and where
-- nothing on the right matches it fills the right side's columns with NULL.
-- Those NULLs mark the customers without orders.
--
-- The query below uses an inner join and finds nobody. Fix it: return the
-- id, name and email of every customer who has no order at all, in any
-- order:
--
--   id | name              | email
--   ---+-------------------+---------------------
--   4  | Margaret Hamilton | margaret@example.com
--   ...

SELECT c.id, c.name, c.email
  FROM customers AS c
  JOIN orders AS o ON o.customer_id = c.id
 WHERE o.id IS NULL;
