INSERT INTO inventory (sku, quantity, updated_at)
VALUES ('A-1', 5, '2024-03-10 12:00+00'),
       ('B-2', 3, '2024-03-10 12:00+00'),
       ('Z-9', 7, '2024-03-10 12:00+00')
ON CONFLICT (sku) DO UPDATE
   SET quantity = inventory.quantity + EXCLUDED.quantity,
       updated_at = EXCLUDED.updated_at
RETURNING sku, quantity;
