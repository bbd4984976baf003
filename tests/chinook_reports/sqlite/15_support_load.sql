-- Employees and how many customers they support.
SELECT e.EmployeeId, e.FirstName || ' ' || e.LastName, COUNT(c.CustomerId), MIN(c.Country)
FROM Employee e
LEFT JOIN Customer c ON c.SupportRepId = e.EmployeeId
GROUP BY e.EmployeeId
ORDER BY e.EmployeeId;
