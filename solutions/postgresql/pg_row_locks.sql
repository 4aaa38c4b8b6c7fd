-- FOR UPDATE: the second session's read waits for the first one's COMMIT,
-- then reads the balance it wrote. (set_config's third argument, true,
-- keeps the variable to this transaction.)
BEGIN;
SELECT set_config('app.balance', balance_cents::text, true) FROM accounts WHERE id = 1 FOR UPDATE;
UPDATE accounts SET balance_cents = current_setting('app.balance')::bigint - 3000 WHERE id = 1;
COMMIT;
