-- If any statement fails, the application must stop there and send
-- ROLLBACK: SQLite undoes only the failing statement and keeps the
-- transaction open, so carrying on to COMMIT would keep the earlier writes.
-- (The runner stops at the first error and rolls back, as a careful
-- application does; in Rust, rusqlite's `Transaction` rolls back on drop.)
BEGIN;

UPDATE accounts SET balance_cents = balance_cents - 15000 WHERE id = 1;
UPDATE accounts SET balance_cents = balance_cents + 15000 WHERE id = 2;

INSERT INTO entries (account_id, amount_cents, booked_at, memo)
VALUES (1, -15000, '2026-03-14 09:30:00', 'transfer');
INSERT INTO entries (account_id, amount_cents, booked_at, memo)
VALUES (2, 15000, '2026-03-14 09:30:00', 'transfer');

COMMIT;
