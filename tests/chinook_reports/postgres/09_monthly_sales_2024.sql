-- Sales per month of 2024.
SELECT to_char(invoice_date, 'YYYY-MM') AS month, CAST(EXTRACT(MONTH FROM invoice_date) AS INTEGER), COUNT(*),
       COUNT(DISTINCT customer_id), round(SUM(total), 2)
FROM invoice
WHERE invoice_date >= '2024-01-01' AND invoice_date < '2025-01-01'
GROUP BY 1, 2
ORDER BY month;
