-- Units sold per product, then ranked within its category; RANK() keeps
-- every product tied for first place.
WITH sales AS (
    SELECT p.category_id,
           p.name,
           SUM(i.quantity) AS units_sold
      FROM order_items AS i
      JOIN orders AS o ON o.id = i.order_id
      JOIN products AS p ON p.id = i.product_id
     WHERE o.status <> 'cancelled'
     GROUP BY p.id
),
ranked AS (
    SELECT category_id,
           name,
           units_sold,
           RANK() OVER (
               PARTITION BY category_id ORDER BY units_sold DESC
           ) AS place
      FROM sales
)
SELECT c.name AS category,
       r.name AS product,
       r.units_sold
  FROM ranked AS r
  JOIN categories AS c ON c.id = r.category_id
 WHERE r.place = 1;
