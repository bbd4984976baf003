-- Tracks by length band.
SELECT CASE WHEN milliseconds < 180000 THEN 'short' WHEN milliseconds < 360000 THEN 'medium' ELSE 'long' END AS band,
       COUNT(*), MIN(milliseconds), MAX(milliseconds)
FROM track
GROUP BY band
ORDER BY MIN(milliseconds);
