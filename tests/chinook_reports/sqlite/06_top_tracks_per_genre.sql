-- The three best-selling tracks of each genre.
SELECT genre, "position", track_id, track, sold
FROM (SELECT g.Name AS genre, t.TrackId AS track_id, t.Name AS track, COUNT(*) AS sold,
             row_number() OVER (PARTITION BY g.GenreId ORDER BY COUNT(*) DESC, t.TrackId) AS "position"
      FROM Genre g
      JOIN Track t ON t.GenreId = g.GenreId
      JOIN InvoiceLine il ON il.TrackId = t.TrackId
      GROUP BY g.GenreId, g.Name, t.TrackId, t.Name) AS ranked
WHERE "position" <= 3
ORDER BY genre, "position";
