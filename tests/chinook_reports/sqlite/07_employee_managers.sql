-- Every employee with their manager (none for the general manager).
SELECT e.EmployeeId, e.FirstName || ' ' || e.LastName, e.Title, strftime('%Y-%m-%d', e.HireDate),
       m.FirstName || ' ' || m.LastName, m.Title
FROM Employee e
LEFT JOIN Employee m ON m.EmployeeId = e.ReportsTo
ORDER BY e.EmployeeId;
