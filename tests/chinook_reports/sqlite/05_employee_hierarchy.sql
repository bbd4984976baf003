-- The reporting hierarchy over ReportsTo, with depth and path.
WITH RECURSIVE chart (id, name, title, depth, path) AS (
    SELECT EmployeeId, FirstName || ' ' || LastName, Title, 0, LastName
    FROM Employee
    WHERE ReportsTo IS NULL
    UNION ALL
    SELECT e.EmployeeId, e.FirstName || ' ' || e.LastName, e.Title, chart.depth + 1, chart.path || ' > ' || e.LastName
    FROM Employee e
    JOIN chart ON e.ReportsTo = chart.id
)
SELECT id, name, title, depth, path FROM chart ORDER BY path, id;
