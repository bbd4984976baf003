-- Everyone in Canada: customers and employees.
SELECT 'customer', last_name, first_name, city FROM customer WHERE country = 'Canada'
UNION ALL
SELECT 'employee', last_name, first_name, city FROM employee WHERE country = 'Canada'
ORDER BY 2, 3, 4;
