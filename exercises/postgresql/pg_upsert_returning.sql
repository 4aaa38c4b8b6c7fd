-- ON CONFLICT … DO UPDATE … RETURNING: an upsert in one statement
--
-- A delivery arrived on 2024-03-10 at 12:00 UTC: 5 of A-1, 3 of B-2 and 7 of
-- Z-9, a new product. "SELECT, then INSERT or UPDATE" from the application
-- races with every other request doing the same; INSERT … ON CONFLICT
-- (sku) DO UPDATE is one atomic statement. In the DO UPDATE part,
-- `inventory.quantity` is the row already stored and `EXCLUDED.quantity` the
-- row you tried to insert. RETURNING sends back the rows as they are now,
-- which saves the application a second query.
--
-- Write one statement that adds the delivered quantities to the stock
-- (creating the rows that do not exist yet), sets updated_at to the
-- delivery's time, and returns, for the three delivered SKUs:
--
--   sku | quantity (the new stock)
INSERT INTO inventory (sku, quantity, updated_at)
VALUES ('A-1', 5, '2024-03-10 12:00+00'),
       ('B-2', 3, '2024-03-10 12:00+00'),
       ('Z-9', 7, '2024-03-10 12:00+00')
ON CONFLICT (sku) DO UPDATE
   SET quantity = EXCLUDED.quantity,
       updated_at = EXCLUDED.updated_at
RETURNING sku, quantity;
