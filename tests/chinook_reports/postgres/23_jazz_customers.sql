-- Customers who bought jazz.
SELECT c.customer_id, c.first_name || ' ' || c.last_name, c.country
FROM customer c
WHERE c.customer_id IN (SELECT i.customer_id
                        FROM invoice i
                        JOIN invoice_line il ON il.invoice_id = i.invoice_id
                        JOIN track t ON t.track_id = il.track_id
                        JOIN genre g ON g.genre_id = t.genre_id
                        WHERE g.name = 'Jazz')
ORDER BY c.customer_id;
