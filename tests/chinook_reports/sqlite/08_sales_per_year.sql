-- Sales per year.
SELECT CAST(strftime('%Y', InvoiceDate) AS INTEGER) AS year, COUNT(*), printf('%.2f', SUM(Total)), printf('%.2f', AVG(Total)),
       printf('%.2f', MIN(Total)), printf('%.2f', MAX(Total))
FROM Invoice
GROUP BY year
ORDER BY year;
