-- Revenue per artist across four tables, top 10.
SELECT ar.ArtistId, ar.Name, SUM(il.Quantity), printf('%.2f', SUM(il.UnitPrice * il.Quantity))
FROM InvoiceLine il
JOIN Track t ON t.TrackId = il.TrackId
JOIN Album al ON al.AlbumId = t.AlbumId
JOIN Artist ar ON ar.ArtistId = al.ArtistId
GROUP BY ar.ArtistId, ar.Name
ORDER BY round(SUM(il.UnitPrice * il.Quantity), 2) DESC, ar.ArtistId
LIMIT 10;
