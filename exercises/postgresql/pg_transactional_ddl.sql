-- A migration in one transaction: PostgreSQL's DDL is transactional
--
-- This migration gives customers an email_domain column: add it, fill it
-- from the email, make it NOT NULL, and add a CHECK that no domain is empty.
-- If any step fails in production (here: one old row's email has no @, so
-- the CHECK fails), a migration run statement by statement leaves the
-- schema half-changed: the column exists, the constraint does not, and the
-- next deploy's migration fails on "column already exists". In PostgreSQL,
-- ALTER TABLE and friends take part in transactions (MySQL's do not): wrapped
-- in BEGIN … COMMIT, the migration applies completely or not at all.
--
-- Make this migration all-or-nothing; on good data it must still succeed.
ALTER TABLE customers ADD COLUMN email_domain text;
UPDATE customers SET email_domain = lower(split_part(email, '@', 2));
ALTER TABLE customers ALTER COLUMN email_domain SET NOT NULL;
ALTER TABLE customers ADD CONSTRAINT customers_email_domain_present
  CHECK (email_domain <> '');
