-- Employees and how many customers they support.
SELECT e.employee_id, e.first_name || ' ' || e.last_name, COUNT(c.customer_id), MIN(c.country)
FROM employee e
LEFT JOIN customer c ON c.support_rep_id = e.employee_id
GROUP BY e.employee_id
ORDER BY e.employee_id;
