-- The name breaks ties on price, so the order is fully defined.
SELECT name, price_cents
  FROM products
 ORDER BY price_cents DESC, name
 LIMIT 3;
