-- The name breaks ties on price, so the order is fully defined.
SELECT name, price
  FROM products
 ORDER BY price DESC, name
 LIMIT 3;
