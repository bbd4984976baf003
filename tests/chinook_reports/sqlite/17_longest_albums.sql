-- The ten longest albums: length in milliseconds and whole minutes.
SELECT al.AlbumId, al.Title, ar.Name, COUNT(*), SUM(t.Milliseconds), SUM(t.Milliseconds) / 60000
FROM Album al
JOIN Artist ar ON ar.ArtistId = al.ArtistId
JOIN Track t ON t.AlbumId = al.AlbumId
GROUP BY al.AlbumId
ORDER BY SUM(t.Milliseconds) DESC, al.AlbumId
LIMIT 10;
