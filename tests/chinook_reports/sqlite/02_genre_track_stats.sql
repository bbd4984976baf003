-- Track statistics per genre with at least 20 tracks.
SELECT g.GenreId, g.Name, COUNT(*), MIN(t.Milliseconds), MAX(t.Milliseconds), printf('%.2f', AVG(t.Milliseconds)), SUM(t.Bytes)
FROM Genre g
JOIN Track t ON t.GenreId = g.GenreId
GROUP BY g.GenreId, g.Name
HAVING COUNT(*) >= 20
ORDER BY COUNT(*) DESC, g.GenreId;
