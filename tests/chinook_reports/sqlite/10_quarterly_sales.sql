-- Sales per quarter, from the quarter's first day.
SELECT printf('%s-%02d-01 00:00:00', strftime('%Y', InvoiceDate), (CAST(strftime('%m', InvoiceDate) AS INTEGER) - 1) / 3 * 3 + 1) AS quarter,
       (CAST(strftime('%m', InvoiceDate) AS INTEGER) + 2) / 3, COUNT(*), printf('%.2f', SUM(Total))
FROM Invoice
GROUP BY 1, 2
ORDER BY quarter;
