-- Cities with both customers and employees.
SELECT City, Country FROM Customer
INTERSECT
SELECT City, Country FROM Employee
ORDER BY 1, 2;
