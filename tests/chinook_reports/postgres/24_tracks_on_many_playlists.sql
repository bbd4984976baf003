-- Tracks on at least five playlists.
SELECT t.track_id, t.name, al.title
FROM track t
JOIN album al ON al.album_id = t.album_id
WHERE t.track_id IN (SELECT track_id FROM playlist_track GROUP BY track_id HAVING COUNT(*) >= 5)
ORDER BY t.track_id;
