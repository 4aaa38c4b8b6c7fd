-- No ids: INTEGER PRIMARY KEY assigns them. The category is found by its
-- unique name, whatever id this database gave it.
INSERT INTO categories (name)
VALUES ('garden');

INSERT INTO products (name, category_id, price_cents, stock)
VALUES ('Garden hose',
        (SELECT id FROM categories WHERE name = 'garden'), 2490, 10);

-- stock left out: the column's DEFAULT applies.
INSERT INTO products (name, category_id, price_cents)
VALUES ('Pruning shears',
        (SELECT id FROM categories WHERE name = 'garden'), 1850);
