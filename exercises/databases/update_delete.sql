-- Changing rows: UPDATE … WHERE, and DELETE … WHERE with a subquery
--
-- UPDATE and DELETE change every row their WHERE lets through, and without a
-- WHERE that is every row of the table. "Raise accessories by 10%" without
-- its WHERE is a price rise on the whole catalogue, live, with no undo
-- button. Before running one on production, run its WHERE in a SELECT and
-- read what it would touch (or run it in a transaction and look before you
-- COMMIT).
--
-- The catalogue clean-up, in two statements:
--   1. raise the price of every product of the category named 'accessories'
--      by 10%, rounded to a whole cent (the statement below does the
--      arithmetic in integers: no float ever touches the money);
--   2. delete the products that are out of stock (stock = 0) AND have never
--      been ordered (no row of order_items refers to them). Products that
--      were ordered stay: past orders point at them (the foreign key of
--      order_items refuses to let them go anyway).
--
-- The UPDATE below has lost its WHERE: fix it, then write the DELETE.

UPDATE products
   SET price_cents = (price_cents * 110 + 50) / 100;
