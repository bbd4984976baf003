-- Every employee with their manager (none for the general manager).
SELECT e.employee_id, e.first_name || ' ' || e.last_name, e.title, to_char(e.hire_date, 'YYYY-MM-DD'),
       m.first_name || ' ' || m.last_name, m.title
FROM employee e
LEFT JOIN employee m ON m.employee_id = e.reports_to
ORDER BY e.employee_id;
