SELECT id, name, signed_up_at::date AS signed_up_on
  FROM customers
 WHERE email ILIKE '%@example.com'
   AND signed_up_at >= timestamptz '2024-01-01 00:00+00'
   AND signed_up_at < timestamptz '2025-01-01 00:00+00';
