SELECT customer_id, id, total_cents,
       sum(total_cents) OVER (
         PARTITION BY customer_id
         ORDER BY placed_at, id
         ROWS BETWEEN 2 PRECEDING AND CURRENT ROW
       ) AS last_three_cents
  FROM orders
 WHERE status <> 'cancelled'
 ORDER BY customer_id, placed_at, id;
