-- Artists none of whose tracks was ever sold.
SELECT ar.artist_id, ar.name
FROM artist ar
WHERE NOT EXISTS (SELECT 1
                  FROM album al
                  JOIN track t ON t.album_id = al.album_id
                  JOIN invoice_line il ON il.track_id = t.track_id
                  WHERE al.artist_id = ar.artist_id)
ORDER BY ar.artist_id;
