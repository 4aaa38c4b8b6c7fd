-- The window is ordered like the statement, id breaking ties on booked_at,
-- so each row's frame ends exactly at that row.
SELECT id,
       booked_at,
       amount_cents,
       SUM(amount_cents) OVER (ORDER BY booked_at, id) AS balance_cents
  FROM entries
 WHERE account_id = 1
 ORDER BY booked_at, id;
