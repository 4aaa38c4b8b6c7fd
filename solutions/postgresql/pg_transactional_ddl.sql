-- A failure between BEGIN and COMMIT aborts the transaction: the runner (as
-- an application or psql with ON_ERROR_STOP would) stops there, and the open
-- transaction is rolled back, DDL included.
BEGIN;
ALTER TABLE customers ADD COLUMN email_domain text;
UPDATE customers SET email_domain = lower(split_part(email, '@', 2));
ALTER TABLE customers ALTER COLUMN email_domain SET NOT NULL;
ALTER TABLE customers ADD CONSTRAINT customers_email_domain_present
  CHECK (email_domain <> '');
COMMIT;
