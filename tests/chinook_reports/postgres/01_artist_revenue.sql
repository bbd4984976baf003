-- Revenue per artist across four tables, top 10.
SELECT ar.artist_id, ar.name, SUM(il.quantity), round(SUM(il.unit_price * il.quantity), 2) AS revenue
FROM invoice_line il
JOIN track t ON t.track_id = il.track_id
JOIN album al ON al.album_id = t.album_id
JOIN artist ar ON ar.artist_id = al.artist_id
GROUP BY ar.artist_id, ar.name
ORDER BY revenue DESC, ar.artist_id
LIMIT 10;
