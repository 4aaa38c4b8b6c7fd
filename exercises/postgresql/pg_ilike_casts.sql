-- ILIKE and :: casts
--
-- Marketing wants the customers who signed up in 2024 with an address at
-- example.com. Email domains are case-insensitive, and people type
-- Bob@Example.COM: LIKE compares case-sensitively, ILIKE does not.
-- `signed_up_at::date` casts the timestamp to its calendar date (in the
-- session's time zone), which is what the campaign's spreadsheet wants.
-- Compare the timestamp itself with a range for the year: a condition on
-- `signed_up_at::date` or `extract(year …)` cannot use an index on
-- signed_up_at.
--
-- Write a query that returns, for customers whose email ends in
-- @example.com (any case) and who signed up in 2024 (UTC):
--
--   id | name | signed_up_on (a date)
--
-- in any order.
SELECT id, name, signed_up_at::date AS signed_up_on
  FROM customers
 WHERE email LIKE '%@example.com'
   AND signed_up_at >= '2024-01-01' AND signed_up_at < '2025-01-01';
