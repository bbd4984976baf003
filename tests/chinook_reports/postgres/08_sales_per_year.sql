-- Sales per year.
SELECT CAST(EXTRACT(YEAR FROM invoice_date) AS INTEGER) AS year, COUNT(*), round(SUM(total), 2), round(AVG(total), 2),
       MIN(total), MAX(total)
FROM invoice
GROUP BY year
ORDER BY year;
