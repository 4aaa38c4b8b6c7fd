-- session A: 20.00 from account 1 to account 2
BEGIN;
UPDATE accounts SET balance_cents = balance_cents - 2000 WHERE id = 1;
UPDATE accounts SET balance_cents = balance_cents + 2000 WHERE id = 2;
COMMIT;

-- session B: 5.00 from account 2 to account 1, the lower id locked first
BEGIN;
UPDATE accounts SET balance_cents = balance_cents + 500 WHERE id = 1;
UPDATE accounts SET balance_cents = balance_cents - 500 WHERE id = 2;
COMMIT;
