-- Writing rows: INSERT INTO … (columns) VALUES …
--
-- The shop opens a garden department. In production, ids belong to the
-- database: a script with hard-coded ids, written against a laptop's copy,
-- collides with other rows on the real database (or worse, silently points
-- at the wrong ones), because the ids there are different. Let the INTEGER
-- PRIMARY KEY choose new ids, and find the rows you need by what identifies
-- them for people, such as a category's unique name. And always list the
-- columns: `INSERT INTO products VALUES (…)` breaks, or fills the wrong
-- columns, the day someone adds a column to the table.
--
-- The statements below work on this copy of the shop only. Rewrite them so
-- that they work on any copy:
--   1. add the category 'garden';
--   2. then add its two products, in this order: 'Garden hose' at 24.90 (2490
--      cents) with 10 in stock, then 'Pruning shears' at 18.50 (1850 cents)
--      with the default stock.
-- Leave every id to the database; look the category up by its name.

INSERT INTO categories VALUES (5, 'garden');
INSERT INTO products VALUES (13, 'Garden hose', 5, 2490, 10);
INSERT INTO products VALUES (14, 'Pruning shears', 5, 1850, 0);
