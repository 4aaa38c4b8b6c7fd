-- The row value compares created_at first and id only among equal
-- created_at: exactly the order of the pages.
SELECT id, account_id, kind, created_at
  FROM events
 WHERE (created_at, id) > ('2026-03-02 10:00:00', 14)
 ORDER BY created_at, id
 LIMIT 5;
