using System.Text.Json;
using System.Text.Json.Nodes;
using NetTopologySuite.Features;
using NetTopologySuite.IO.Converters;

namespace AdaptSeg.Geo.Data;

/// <summary>
/// Writes the tile index as GeoJSON with NetTopologySuite: one polygon feature per tile, in the
/// grid CRS, with properties scene, domain, column, row, width, height, validFraction. The CRS is
/// named in a legacy <c>"crs"</c> member (GDAL and QGIS read it; RFC 7946 assumes WGS84 otherwise).
/// </summary>
public static class TileIndexWriter
{
    /// <summary>Writes <paramref name="tiles"/> to <paramref name="path"/>; <paramref name="epsg"/> names the CRS when known.</summary>
    public static void Write(string path, IEnumerable<TileIndexEntry> tiles, int? epsg)
    {
        var collection = new FeatureCollection();
        foreach (TileIndexEntry t in tiles)
        {
            collection.Add(new Feature(t.Footprint, new AttributesTable
            {
                { "domain", t.Domain },
                { "scene", t.Scene },
                { "column", t.Column },
                { "row", t.Row },
                { "width", t.Width },
                { "height", t.Height },
                { "validFraction", Math.Round(t.ValidFraction, 6) },
            }));
        }

        var options = new JsonSerializerOptions { WriteIndented = false };
        options.Converters.Add(new GeoJsonConverterFactory());
        JsonNode node = JsonSerializer.SerializeToNode(collection, options)!;
        if (epsg is int code)
        {
            node["crs"] = new JsonObject
            {
                ["type"] = "name",
                ["properties"] = new JsonObject { ["name"] = $"urn:ogc:def:crs:EPSG::{code}" },
            };
        }

        File.WriteAllText(path, node.ToJsonString());
    }

    /// <summary>Reads a tile index back (for tests and tools).</summary>
    public static FeatureCollection Read(string path)
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory());
        return JsonSerializer.Deserialize<FeatureCollection>(File.ReadAllText(path), options)
            ?? throw new PreparedDatasetException($"'{path}' holds no FeatureCollection.", path);
    }
}
