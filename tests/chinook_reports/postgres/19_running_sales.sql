-- Monthly sales with a running total per year.
SELECT to_char(invoice_date, 'YYYY-MM') AS month, round(SUM(total), 2),
       round(SUM(SUM(total)) OVER (PARTITION BY EXTRACT(YEAR FROM invoice_date) ORDER BY to_char(invoice_date, 'YYYY-MM')), 2)
FROM invoice
GROUP BY 1, EXTRACT(YEAR FROM invoice_date)
ORDER BY month;
