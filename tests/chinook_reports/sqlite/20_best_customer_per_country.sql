-- The best customer of each country; ties share the rank.
SELECT country, customer_id, customer, printf('%.2f', total), "position"
FROM (SELECT c.Country AS country, c.CustomerId AS customer_id, c.FirstName || ' ' || c.LastName AS customer,
             round(SUM(i.Total), 2) AS total,
             rank() OVER (PARTITION BY c.Country ORDER BY round(SUM(i.Total), 2) DESC) AS "position"
      FROM Customer c
      JOIN Invoice i ON i.CustomerId = c.CustomerId
      GROUP BY c.CustomerId) AS ranked
WHERE "position" = 1
ORDER BY country, customer_id;
