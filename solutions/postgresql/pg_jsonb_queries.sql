SELECT id,
       payload ->> 'plan' AS plan,
       (payload ->> 'seats')::int AS seats,
       payload #>> '{billing,cycle}' AS cycle
  FROM events
 WHERE kind = 'subscription' AND payload @> '{"status": "active"}';
