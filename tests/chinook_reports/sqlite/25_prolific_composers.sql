-- Composers of at least 20 tracks; unknown ones first.
SELECT coalesce(Composer, '(unknown)'), COUNT(*)
FROM Track
GROUP BY Composer
HAVING COUNT(*) >= 20
ORDER BY Composer NULLS FIRST;
