-- Tracks on at least five playlists.
SELECT t.TrackId, t.Name, al.Title
FROM Track t
JOIN Album al ON al.AlbumId = t.AlbumId
WHERE t.TrackId IN (SELECT TrackId FROM PlaylistTrack GROUP BY TrackId HAVING COUNT(*) >= 5)
ORDER BY t.TrackId;
