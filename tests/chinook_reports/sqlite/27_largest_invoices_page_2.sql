-- The second page (rows 11 to 20) of the largest invoices.
SELECT InvoiceId, InvoiceDate, BillingCountry, printf('%.2f', Total)
FROM Invoice
ORDER BY Total DESC, InvoiceId
LIMIT 10 OFFSET 10;
