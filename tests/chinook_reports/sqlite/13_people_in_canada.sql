-- Everyone in Canada: customers and employees.
SELECT 'customer', LastName, FirstName, City FROM Customer WHERE Country = 'Canada'
UNION ALL
SELECT 'employee', LastName, FirstName, City FROM Employee WHERE Country = 'Canada'
ORDER BY 2, 3, 4;
