-- Finding what is missing: the rows with no match in another table
--
-- Support wants to win back people who signed up and never bought anything:
-- every customer who has never placed an order (a cancelled order still
-- counts as placed). The query below runs without an error and finds
-- nobody, and a campaign sent to an empty list looks exactly like one that
-- went out. An inner JOIN keeps only the pairs that match, so a customer
-- without orders is simply not in its result: the very rows we are looking
-- for are gone before WHERE even runs.
--
-- Fix it: return the id, name and email of every customer who has no order
-- at all, in any order:
--
--   id | name              | email
--   ---+-------------------+---------------------
--   4  | Margaret Hamilton | margaret@example.com
--   ...

SELECT c.id, c.name, c.email
  FROM customers AS c
  JOIN orders AS o ON o.customer_id = c.id
 WHERE o.id IS NULL;
