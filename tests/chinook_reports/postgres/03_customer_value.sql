-- The ten best customers with their support representative.
SELECT c.customer_id, c.first_name || ' ' || c.last_name, c.country, COUNT(i.invoice_id), round(SUM(i.total), 2) AS total,
       e.first_name || ' ' || e.last_name
FROM customer c
JOIN invoice i ON i.customer_id = c.customer_id
JOIN employee e ON e.employee_id = c.support_rep_id
GROUP BY c.customer_id, e.employee_id
ORDER BY total DESC, c.customer_id
LIMIT 10;
