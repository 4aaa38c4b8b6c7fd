SELECT category_id,
       COUNT(*)   AS products,
       AVG(price) AS average_price,
       SUM(stock) AS units_in_stock
  FROM products
 GROUP BY category_id;
