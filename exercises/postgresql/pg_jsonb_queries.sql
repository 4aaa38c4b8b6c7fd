-- JSONB: -> returns JSON, ->> returns text
--
-- Billing events arrive as JSON documents and are kept as they came, in a
-- jsonb column. The sales dashboard needs the active subscriptions' plan,
-- seats and billing cycle as ordinary columns. `payload -> 'plan'` is still
-- JSON (the string "pro", quotes included), `payload ->> 'plan'` is the text
-- pro; `#>>` follows a path ('{billing,cycle}'). A number must be cast to be
-- one: `(payload ->> 'seats')::int`. `@>` ("contains") tests part of a
-- document, and a GIN index can serve it (next exercise).
--
-- Write a query over events of kind 'subscription' whose payload has
-- "status": "active", returning:
--
--   id | plan (text) | seats (integer) | cycle (text)
--
-- in any order.
SELECT id,
       payload -> 'plan' AS plan,
       payload -> 'seats' AS seats,
       payload -> 'billing' -> 'cycle' AS cycle
  FROM events
 WHERE kind = 'subscription' AND payload @> '{"status": "active"}';
