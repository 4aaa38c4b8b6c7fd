-- EXPLAIN: a B-tree plan against a GIN plan
--
-- Two screens are slow. The signup feed runs
--   SELECT * FROM events WHERE kind = 'signup' ORDER BY created_at
-- and the mobile report runs
--   SELECT id FROM events WHERE tags @> ARRAY['mobile']
-- A B-tree keeps its entries sorted by its columns in order: one on
-- (kind, created_at) finds the signups AND hands them over already sorted by
-- created_at, so the plan needs no Sort step. A B-tree on an array column
-- only sorts whole arrays; "contains this element" needs GIN, which indexes
-- each element. `EXPLAIN` shows which one a query gets: Index Scan using …
-- (B-tree), Bitmap Index Scan on … (GIN), Sort, Seq Scan.
--
-- Replace the two indexes below (keep their names) so that the first query's
-- plan uses idx_events_kind_created without a Sort, and the second's uses
-- idx_events_tags.
CREATE INDEX idx_events_kind_created ON events (kind);
CREATE INDEX idx_events_tags ON events (tags);
