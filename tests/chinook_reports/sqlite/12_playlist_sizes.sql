-- The size of every playlist.
SELECT p.PlaylistId, p.Name, (SELECT COUNT(*) FROM PlaylistTrack pt WHERE pt.PlaylistId = p.PlaylistId)
FROM Playlist p
ORDER BY p.PlaylistId;
