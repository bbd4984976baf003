-- Artists 140 to 160 with their albums, if any.
SELECT ar.ArtistId, ar.Name, al.AlbumId, al.Title
FROM Artist ar
LEFT JOIN Album al ON al.ArtistId = ar.ArtistId
WHERE ar.ArtistId BETWEEN 140 AND 160
ORDER BY ar.ArtistId, al.AlbumId;
