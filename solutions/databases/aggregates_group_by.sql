SELECT category_id,
       COUNT(*)   AS products,
       AVG(price_cents) AS average_price_cents,
       SUM(stock) AS units_in_stock
  FROM products
 GROUP BY category_id;
