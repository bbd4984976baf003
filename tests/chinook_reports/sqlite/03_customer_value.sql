-- The ten best customers with their support representative.
SELECT c.CustomerId, c.FirstName || ' ' || c.LastName, c.Country, COUNT(i.InvoiceId), printf('%.2f', SUM(i.Total)),
       e.FirstName || ' ' || e.LastName
FROM Customer c
JOIN Invoice i ON i.CustomerId = c.CustomerId
JOIN Employee e ON e.EmployeeId = c.SupportRepId
GROUP BY c.CustomerId
ORDER BY round(SUM(i.Total), 2) DESC, c.CustomerId
LIMIT 10;
