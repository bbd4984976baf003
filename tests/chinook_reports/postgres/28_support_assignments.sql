-- Support representatives and their customers; employees without customers once, alone.
SELECT e.employee_id, e.last_name, c.customer_id, c.last_name
FROM employee e
FULL JOIN customer c ON c.support_rep_id = e.employee_id
ORDER BY e.employee_id NULLS LAST, c.customer_id NULLS LAST;
