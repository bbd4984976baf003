-- Track statistics per genre with at least 20 tracks.
SELECT g.genre_id, g.name, COUNT(*), MIN(t.milliseconds), MAX(t.milliseconds), round(AVG(t.milliseconds), 2), SUM(t.bytes)
FROM genre g
JOIN track t ON t.genre_id = g.genre_id
GROUP BY g.genre_id, g.name
HAVING COUNT(*) >= 20
ORDER BY COUNT(*) DESC, g.genre_id;
