-- Gap filling with generate_series
--
-- The traffic chart needs one point per day for the first week of March 2024
-- (2024-03-01 to 2024-03-07, UTC), zero on days without a visit. GROUP BY
-- only makes groups for days that HAVE rows, so quiet days vanish and the
-- chart draws a straight line across them. generate_series makes the row
-- for every day; a LEFT JOIN then attaches the views of each day, and
-- count(v.id) counts 0 where nothing matched (count(*) would count the day's
-- own row: 1).
--
-- Write a query that returns seven rows:
--
--   day (a date) | views
--   -------------+-----------------------------------------
--   2024-03-01   | page views with viewed_at on that day
--
-- in order of day.
SELECT viewed_at::date AS day, count(*) AS views
  FROM page_views
 WHERE viewed_at >= '2024-03-01' AND viewed_at < '2024-03-08'
 GROUP BY 1
 ORDER BY 1;
