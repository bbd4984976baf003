-- Customers who bought jazz.
SELECT c.CustomerId, c.FirstName || ' ' || c.LastName, c.Country
FROM Customer c
WHERE c.CustomerId IN (SELECT i.CustomerId
                       FROM Invoice i
                       JOIN InvoiceLine il ON il.InvoiceId = i.InvoiceId
                       JOIN Track t ON t.TrackId = il.TrackId
                       JOIN Genre g ON g.GenreId = t.GenreId
                       WHERE g.Name = 'Jazz')
ORDER BY c.CustomerId;
