-- Sales per quarter, from the quarter's first day.
SELECT to_char(date_trunc('quarter', invoice_date), 'YYYY-MM-DD HH24:MI:SS') AS quarter, CAST(EXTRACT(QUARTER FROM invoice_date) AS INTEGER),
       COUNT(*), round(SUM(total), 2)
FROM invoice
GROUP BY 1, 2
ORDER BY quarter;
