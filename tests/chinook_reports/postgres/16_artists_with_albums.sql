-- Artists 140 to 160 with their albums, if any.
SELECT ar.artist_id, ar.name, al.album_id, al.title
FROM artist ar
LEFT JOIN album al ON al.artist_id = ar.artist_id
WHERE ar.artist_id BETWEEN 140 AND 160
ORDER BY ar.artist_id, al.album_id;
