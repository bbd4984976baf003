-- Each media type's share of all tracks, in percent.
SELECT mt.MediaTypeId, mt.Name, COUNT(*), printf('%.2f', COUNT(*) * 100.0 / (SELECT COUNT(*) FROM Track))
FROM MediaType mt
JOIN Track t ON t.MediaTypeId = mt.MediaTypeId
GROUP BY mt.MediaTypeId
ORDER BY COUNT(*) DESC, mt.MediaTypeId;
