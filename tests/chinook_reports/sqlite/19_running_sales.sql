-- Monthly sales with a running total per year.
SELECT strftime('%Y-%m', InvoiceDate) AS month, printf('%.2f', SUM(Total)),
       printf('%.2f', SUM(SUM(Total)) OVER (PARTITION BY strftime('%Y', InvoiceDate) ORDER BY strftime('%Y-%m', InvoiceDate)))
FROM Invoice
GROUP BY month, strftime('%Y', InvoiceDate)
ORDER BY month;
