-- Transactions: all or nothing with BEGIN … COMMIT
--
-- A transfer is four writes: take the money from one account, give it to
-- the other, and record both movements in the ledger. As separate
-- statements, each write is kept the moment it runs: if the third one fails
-- (a constraint, a lost connection, a deploy killing the process), the money
-- has left account 1 and arrived nowhere, and the ledger disagrees with the
-- balances. Between BEGIN and COMMIT the writes become one unit: when
-- anything fails before COMMIT, the application stops and rolls back, and
-- none of them happened.
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
