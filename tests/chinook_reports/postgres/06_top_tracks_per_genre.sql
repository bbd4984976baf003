-- The three best-selling tracks of each genre.
SELECT genre, "position", track_id, track, sold
FROM (SELECT g.name AS genre, t.track_id, t.name AS track, COUNT(*) AS sold,
             row_number() OVER (PARTITION BY g.genre_id ORDER BY COUNT(*) DESC, t.track_id) AS "position"
      FROM genre g
      JOIN track t ON t.genre_id = g.genre_id
      JOIN invoice_line il ON il.track_id = t.track_id
      GROUP BY g.genre_id, g.name, t.track_id, t.name) AS ranked
WHERE "position" <= 3
ORDER BY genre, "position";
