-- A deadlock, and the lock order that prevents it
--
-- Two transfers run at once: 20.00 from Ann (account 1) to Bob (account 2),
-- and 5.00 from Bob to Ann. Each transaction updates its source account
-- first, then its destination. Taking turns, the first locks row 1, the
-- second locks row 2, then each waits for the row the other holds: neither
-- can ever go on. PostgreSQL notices the cycle (after `deadlock_timeout`),
-- aborts one transaction with "deadlock detected", and that transfer is lost
-- unless the application retries it.
--
-- Transactions that lock the same rows IN THE SAME ORDER cannot deadlock:
-- the second one waits for the first and then proceeds. Reorder the second
-- transfer's statements so that both transfers lock the lower account id
-- first. The lines below that start with "-- session" say which connection
-- runs which statements; keep them.

-- session A: 20.00 from account 1 to account 2
BEGIN;
UPDATE accounts SET balance_cents = balance_cents - 2000 WHERE id = 1;
UPDATE accounts SET balance_cents = balance_cents + 2000 WHERE id = 2;
COMMIT;

-- session B: 5.00 from account 2 to account 1
BEGIN;
UPDATE accounts SET balance_cents = balance_cents - 500 WHERE id = 2;
UPDATE accounts SET balance_cents = balance_cents + 500 WHERE id = 1;
COMMIT;
