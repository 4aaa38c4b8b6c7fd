-- Equality column first, range-and-sort column second: SQLite seeks to
-- account 7 at the start time and reads forward, already in created_at order.
CREATE INDEX idx_events_account_created ON events (account_id, created_at);
