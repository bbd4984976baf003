-- The reporting hierarchy over reports_to, with depth and path.
WITH RECURSIVE chart (id, name, title, depth, path) AS (
    SELECT employee_id, first_name || ' ' || last_name, title, 0, CAST(last_name AS TEXT)
    FROM employee
    WHERE reports_to IS NULL
    UNION ALL
    SELECT e.employee_id, e.first_name || ' ' || e.last_name, e.title, chart.depth + 1, chart.path || ' > ' || e.last_name
    FROM employee e
    JOIN chart ON e.reports_to = chart.id
)
SELECT id, name, title, depth, path FROM chart ORDER BY path, id;
