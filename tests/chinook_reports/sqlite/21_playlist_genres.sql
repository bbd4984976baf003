-- Playlists spanning more than one genre.
SELECT p.PlaylistId, p.Name, COUNT(*), COUNT(DISTINCT t.GenreId)
FROM Playlist p
JOIN PlaylistTrack pt ON pt.PlaylistId = p.PlaylistId
JOIN Track t ON t.TrackId = pt.TrackId
GROUP BY p.PlaylistId
HAVING COUNT(DISTINCT t.GenreId) > 1
ORDER BY COUNT(*) DESC, p.PlaylistId;
