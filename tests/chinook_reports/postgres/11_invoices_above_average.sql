-- Invoices above the average invoice, per billing country.
SELECT billing_country, COUNT(*), round(SUM(total), 2)
FROM invoice
WHERE total > (SELECT AVG(total) FROM invoice)
GROUP BY billing_country
ORDER BY COUNT(*) DESC, billing_country;
