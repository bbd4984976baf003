-- Cities with both customers and employees.
SELECT city, country FROM customer
INTERSECT
SELECT city, country FROM employee
ORDER BY 1, 2;
