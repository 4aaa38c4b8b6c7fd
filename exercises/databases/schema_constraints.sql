-- Constraints: let the database refuse bad data
--
-- Every path that writes a row must follow the same rules: the API, the
-- nightly import, the hotfix someone types into a console at 3 a.m.
-- Validation in the application covers only the paths that remember it; a
-- constraint in the table covers every writer, and a bad row fails loudly
-- when it is written instead of being found months later by a report that
-- averages a rating of 37.
--
-- The shop adds product reviews. The table below has the right columns and
-- no rules at all. Add the rules:
--   - id is the primary key;
--   - product_id and customer_id are required, and must name an existing
--     product and customer (a foreign key allows NULL: say NOT NULL too);
--   - rating is required and between 1 and 5;
--   - body, the text of the review, is optional;
--   - created_at is required, and set to the current time when an INSERT
--     does not give it (DEFAULT CURRENT_TIMESTAMP);
--   - a customer reviews a given product at most once.
-- The check tries inserting good and bad rows into your table.

CREATE TABLE reviews (
    id          INTEGER,
    product_id  INTEGER,
    customer_id INTEGER,
    rating      INTEGER,
    body        TEXT,
    created_at  TEXT
);
