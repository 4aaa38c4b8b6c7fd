-- If any statement fails, the application stops there and rolls the open
-- transaction back: none of the four writes is kept.
BEGIN;

UPDATE accounts SET balance_cents = balance_cents - 15000 WHERE id = 1;
UPDATE accounts SET balance_cents = balance_cents + 15000 WHERE id = 2;

INSERT INTO entries (account_id, amount_cents, booked_at, memo)
VALUES (1, -15000, '2026-03-14 09:30:00', 'transfer');
INSERT INTO entries (account_id, amount_cents, booked_at, memo)
VALUES (2, 15000, '2026-03-14 09:30:00', 'transfer');

COMMIT;
