-- o.id is never NULL in a real order (it is the primary key), so a NULL
-- there means the LEFT JOIN found no order for this customer.
SELECT c.id, c.name, c.email
  FROM customers AS c
  LEFT JOIN orders AS o ON o.customer_id = c.id
 WHERE o.id IS NULL;
