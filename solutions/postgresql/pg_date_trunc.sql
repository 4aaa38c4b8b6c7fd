SELECT date_trunc('month', placed_at) AS month, sum(total_cents) AS revenue_cents
  FROM orders
 WHERE status <> 'cancelled'
 GROUP BY 1
 ORDER BY 1;
