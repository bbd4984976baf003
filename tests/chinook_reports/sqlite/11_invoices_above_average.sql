-- Invoices above the average invoice, per billing country.
SELECT BillingCountry, COUNT(*), printf('%.2f', SUM(Total))
FROM Invoice
WHERE Total > (SELECT AVG(Total) FROM Invoice)
GROUP BY BillingCountry
ORDER BY COUNT(*) DESC, BillingCountry;
