-- The size of every playlist.
SELECT p.playlist_id, p.name, (SELECT COUNT(*) FROM playlist_track pt WHERE pt.playlist_id = p.playlist_id)
FROM playlist p
ORDER BY p.playlist_id;
