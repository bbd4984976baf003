-- Genres bought in the USA but never in Canada.
SELECT g.name FROM genre g JOIN track t ON t.genre_id = g.genre_id JOIN invoice_line il ON il.track_id = t.track_id
JOIN invoice i ON i.invoice_id = il.invoice_id WHERE i.billing_country = 'USA'
EXCEPT
SELECT g.name FROM genre g JOIN track t ON t.genre_id = g.genre_id JOIN invoice_line il ON il.track_id = t.track_id
JOIN invoice i ON i.invoice_id = il.invoice_id WHERE i.billing_country = 'Canada'
ORDER BY 1;
