-- Composers of at least 20 tracks; unknown ones first.
SELECT coalesce(composer, '(unknown)'), COUNT(*)
FROM track
GROUP BY composer
HAVING COUNT(*) >= 20
ORDER BY composer NULLS FIRST;
