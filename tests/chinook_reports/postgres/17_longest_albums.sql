-- The ten longest albums: length in milliseconds and whole minutes.
SELECT al.album_id, al.title, ar.name, COUNT(*), SUM(t.milliseconds), SUM(t.milliseconds) / 60000
FROM album al
JOIN artist ar ON ar.artist_id = al.artist_id
JOIN track t ON t.album_id = al.album_id
GROUP BY al.album_id, ar.artist_id
ORDER BY SUM(t.milliseconds) DESC, al.album_id
LIMIT 10;
