-- Transactions: all or nothing with BEGIN … COMMIT
--
-- A transfer is four writes: take the money from one account, give it to
-- the other, and record both movements in the ledger. As separate
-- statements, each write is kept the moment it runs: if the third one fails
-- (a constraint, a lost connection, a deploy killing the process), the money
-- has left account 1 and arrived nowhere, and the ledger disagrees with the
-- balances. Between BEGIN and COMMIT the writes become one unit — but only
-- if the application does its part. In SQLite (and MySQL), a statement that
-- fails inside a transaction undoes that one statement and leaves the
-- transaction OPEN, the earlier writes still in it: a script that carries on
-- and reaches COMMIT commits a half transfer. When a statement fails, the
-- application must stop and send ROLLBACK (PostgreSQL refuses every further
-- statement of a failed transaction until then). The runner here behaves as
-- a careful application does: it stops at the first error and rolls back
-- what is open.
--
-- The statements below move 150.00 (15000 cents) from account 1 to account
-- 2 and record it in the ledger. They are right, one by one. Make them one
-- transaction. The check makes each write fail in turn (account 1 short of
-- money, account 2 frozen, the ledger refusing a row) and requires accounts
-- and entries to be left exactly as they were; without a failure, the
-- transfer must of course happen.

UPDATE accounts SET balance_cents = balance_cents - 15000 WHERE id = 1;
UPDATE accounts SET balance_cents = balance_cents + 15000 WHERE id = 2;
INSERT INTO entries (account_id, amount_cents, booked_at, memo)
VALUES (1, -15000, '2026-03-14 09:30:00', 'transfer');
INSERT INTO entries (account_id, amount_cents, booked_at, memo)
VALUES (2, 15000, '2026-03-14 09:30:00', 'transfer');
