-- The join compares with a half-open range [day, day + 1 day), which an
-- index on viewed_at can serve; `viewed_at::date = d` could not.
SELECT d::date AS day, count(v.id) AS views
  FROM generate_series(timestamptz '2024-03-01', timestamptz '2024-03-07', interval '1 day') AS d
  LEFT JOIN page_views AS v
    ON v.viewed_at >= d AND v.viewed_at < d + interval '1 day'
 GROUP BY d
 ORDER BY d;
