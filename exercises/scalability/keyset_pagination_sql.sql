-- Keyset pagination: a cursor instead of OFFSET
--
-- The feed API returns events oldest first, 5 per page. Its first version
-- served page 3 with LIMIT 5 OFFSET 10. OFFSET has two problems in
-- production. It is slow: the database still reads the skipped rows and
-- throws them away, so page 10 000 reads 50 000 rows to return 5. And it
-- counts positions, which move: when an event the client already saw is
-- deleted, every later event moves one place up, and the one that crosses
-- the page boundary is never shown to the client.
--
-- A cursor remembers WHERE the client stopped instead: the sort key of the
-- last row it received. The next page is the rows after that key, which an
-- index on (created_at, id) finds directly. The key must be unique, so id
-- breaks the ties on created_at: "after" means a later created_at, or the
-- same created_at and a larger id.
--
-- The client has read page 2; its last event was the one with created_at
-- '2026-03-02 10:00:00' and id 14 (deleted since, perhaps: a cursor does not
-- need its row). Rewrite the query below to return the next page: the 5
-- events after that cursor, in (created_at, id) order, with the columns
-- id, account_id, kind, created_at.
--
-- The table is in exercises/databases/fixtures/events.sql.

SELECT id, account_id, kind, created_at
  FROM events
 ORDER BY created_at, id
 LIMIT 5 OFFSET 10;
