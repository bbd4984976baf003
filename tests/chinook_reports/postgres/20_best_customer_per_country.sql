-- The best customer of each country; ties share the rank.
SELECT country, customer_id, customer, total, "position"
FROM (SELECT c.country, c.customer_id, c.first_name || ' ' || c.last_name AS customer,
             round(SUM(i.total), 2) AS total,
             rank() OVER (PARTITION BY c.country ORDER BY round(SUM(i.total), 2) DESC) AS "position"
      FROM customer c
      JOIN invoice i ON i.customer_id = c.customer_id
      GROUP BY c.customer_id) AS ranked
WHERE "position" = 1
ORDER BY country, customer_id;
