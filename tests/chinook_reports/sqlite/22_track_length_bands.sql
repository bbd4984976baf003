-- Tracks by length band.
SELECT CASE WHEN Milliseconds < 180000 THEN 'short' WHEN Milliseconds < 360000 THEN 'medium' ELSE 'long' END AS band,
       COUNT(*), MIN(Milliseconds), MAX(Milliseconds)
FROM Track
GROUP BY band
ORDER BY MIN(Milliseconds);
