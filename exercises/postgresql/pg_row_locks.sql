-- Row locks across two sessions: the lost update and SELECT … FOR UPDATE
--
-- Two requests withdraw 30.00 from account 1 at the same moment. Each does
-- what an application does: read the balance into a variable, compute, write
-- the new balance. (Here the variable is `set_config('app.balance', …)`,
-- read back with `current_setting`.) The check runs this file in two
-- sessions that take turns statement by statement: both BEGIN, both read
-- 100.00, both write 70.00, both commit. Two withdrawals, one recorded: the
-- lost update, a classic bug of read-modify-write code under load.
--
-- `SELECT … FOR UPDATE` locks the rows it reads until the transaction ends:
-- the second session's read then WAITS for the first one's COMMIT, and reads
-- the new balance. Make both withdrawals count, keeping the read-then-write
-- shape (an `UPDATE … SET balance_cents = balance_cents - 3000` would hide
-- the lesson, not teach it).
BEGIN;
SELECT set_config('app.balance', balance_cents::text, true) FROM accounts WHERE id = 1;
UPDATE accounts SET balance_cents = current_setting('app.balance')::bigint - 3000 WHERE id = 1;
COMMIT;
