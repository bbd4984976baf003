-- Sales per month of 2024.
SELECT strftime('%Y-%m', InvoiceDate) AS month, CAST(strftime('%m', InvoiceDate) AS INTEGER), COUNT(*),
       COUNT(DISTINCT CustomerId), printf('%.2f', SUM(Total))
FROM Invoice
WHERE strftime('%Y', InvoiceDate) = '2024'
GROUP BY month
ORDER BY month;
