-- Each media type's share of all tracks, in percent.
SELECT mt.media_type_id, mt.name, COUNT(*), round(COUNT(*) * 100.0 / (SELECT COUNT(*) FROM track), 2)
FROM media_type mt
JOIN track t ON t.media_type_id = mt.media_type_id
GROUP BY mt.media_type_id
ORDER BY COUNT(*) DESC, mt.media_type_id;
