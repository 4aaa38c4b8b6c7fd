-- NOT EXISTS asks "is there a customer they referred?", which a NULL
-- referred_by cannot turn into "unknown".
SELECT c.name,
       COALESCE(c.city, 'unknown') AS city
  FROM customers AS c
 WHERE NOT EXISTS (
           SELECT 1
             FROM customers AS invited
            WHERE invited.referred_by = c.id
       );
