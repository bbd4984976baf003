-- Playlists spanning more than one genre.
SELECT p.playlist_id, p.name, COUNT(*), COUNT(DISTINCT t.genre_id)
FROM playlist p
JOIN playlist_track pt ON pt.playlist_id = p.playlist_id
JOIN track t ON t.track_id = pt.track_id
GROUP BY p.playlist_id
HAVING COUNT(DISTINCT t.genre_id) > 1
ORDER BY COUNT(*) DESC, p.playlist_id;
