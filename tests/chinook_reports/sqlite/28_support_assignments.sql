-- Support representatives and their customers; employees without customers once, alone.
SELECT e.EmployeeId, e.LastName, c.CustomerId, c.LastName
FROM Employee e
FULL JOIN Customer c ON c.SupportRepId = e.EmployeeId
ORDER BY e.EmployeeId NULLS LAST, c.CustomerId NULLS LAST;
