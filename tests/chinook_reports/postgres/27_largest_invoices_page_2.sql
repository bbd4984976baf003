-- The second page (rows 11 to 20) of the largest invoices.
SELECT invoice_id, to_char(invoice_date, 'YYYY-MM-DD HH24:MI:SS'), billing_country, total
FROM invoice
ORDER BY total DESC, invoice_id
LIMIT 10 OFFSET 10;
