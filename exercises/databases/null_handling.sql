-- NULL: the unknown value, and the NOT IN trap
--
-- NULL means "unknown", and comparing with unknown gives unknown, which
-- WHERE treats as false: `city = NULL` is never true (write `city IS NULL`),
-- and neither is `5 NOT IN (1, 2, NULL)`, because 5 might be the unknown
-- value. So `id NOT IN (SELECT referred_by FROM customers)` returns NOTHING
-- as soon as one referred_by is NULL: a campaign that silently emails
-- nobody, no error anywhere.
--
-- Marketing wants every customer who has not referred anyone yet (no
-- customer has their id in referred_by), to send them a referral code. The
-- query below finds nobody. Fix it, and show 'unknown' instead of NULL
-- where the city is missing: a NULL that reaches the mail template prints
-- as a blank, or as the word "null". Return name and city, in any order:
--
--   name           | city
--   ---------------+---------
--   Linus Torvalds | Helsinki
--   Alan Turing    | unknown
--   ...

SELECT name, city
  FROM customers
 WHERE id NOT IN (SELECT referred_by FROM customers);
