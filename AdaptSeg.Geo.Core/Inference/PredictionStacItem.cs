using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// The STAC Item <c>predict</c> writes beside a class mask (<c>mask.tif</c> → <c>mask.stac.json</c>):
/// STAC 1.0.0 with the projection (v2.0.0: <c>proj:code</c> or <c>proj:wkt2</c>, <c>proj:shape</c>,
/// <c>proj:transform</c>), classification (v1.1.0: each class's value, name and colour hint, and
/// 255 as nodata), label (v1.0.1: <c>raster</c>, <c>segmentation</c>, <c>automated</c>) and raster
/// (v1.1.0: uint8, nodata 255) extensions; the mask (GeoTIFF or COG media type) and, when written,
/// the probabilities and polygons as assets; a <c>derived_from</c> link to the input raster or the
/// STAC Item it came from. Geometry and bbox are the grid's outline in WGS 84 (edges densified).
/// </summary>
public static class PredictionStacItem
{
    public const string StacVersion = "1.0.0";
    public const string ProjectionExtension = "https://stac-extensions.github.io/projection/v2.0.0/schema.json";
    public const string ClassificationExtension = "https://stac-extensions.github.io/classification/v1.1.0/schema.json";
    public const string LabelExtension = "https://stac-extensions.github.io/label/v1.0.1/schema.json";
    public const string RasterExtension = "https://stac-extensions.github.io/raster/v1.1.0/schema.json";

    /// <summary>Where the Item of <paramref name="maskPath"/> goes: the mask's path with <c>.stac.json</c> for its extension.</summary>
    public static string PathFor(string maskPath) => Path.ChangeExtension(Path.GetFullPath(maskPath), ".stac.json");

    /// <summary>The media type of a GeoTIFF (COG when <paramref name="cog"/>).</summary>
    public static string GeoTiffType(bool cog) => cog ? "image/tiff; application=geotiff; profile=cloud-optimized" : "image/tiff; application=geotiff";

    /// <summary>
    /// The Item's JSON for the mask at <paramref name="maskPath"/> on <paramref name="grid"/>, to be
    /// written at <paramref name="itemPath"/> (asset hrefs are relative to it).
    /// </summary>
    /// <param name="grid">The mask's grid (size, geotransform, CRS).</param>
    /// <param name="maskPath">The mask's final path.</param>
    /// <param name="itemPath">The Item's final path.</param>
    /// <param name="legend">Class values, names and colours.</param>
    /// <param name="cog">Whether the mask is a COG.</param>
    /// <param name="input">The input as the user named it (a raster path or URL, or the STAC Item it came from).</param>
    /// <param name="sourceItem">The text of the STAC Item the input came from, or null: its acquisition time becomes the Item's.</param>
    /// <param name="probabilityPath">The probability raster, when written.</param>
    /// <param name="vectorPath">The polygons, when written.</param>
    /// <param name="created">When the prediction was made (the datetime too when the input gives none).</param>
    public static string Build(GdalDataset grid, string maskPath, string itemPath, ClassLegend legend, bool cog, string input,
        string? sourceItem, string? probabilityPath, string? vectorPath, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(legend);
        string folder = Path.GetDirectoryName(Path.GetFullPath(itemPath))!;
        string created8601 = created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        GeoTransform transform = grid.GeoTransform ?? throw new InvalidDataException($"The mask '{maskPath}' has no geotransform; a STAC Item needs one.");

        var properties = new JsonObject();
        CopyDatetime(sourceItem, properties, created8601);
        properties["created"] = created8601;
        using SpatialReference? crs = string.IsNullOrEmpty(grid.ProjectionWkt) ? null : SpatialReference.FromWkt(grid.ProjectionWkt, maskPath);
        int? epsg = crs?.EpsgCode;
        properties["proj:code"] = epsg is int code ? $"EPSG:{code}" : null;
        if (epsg is null && crs is not null)
        {
            properties["proj:wkt2"] = crs.Wkt;
        }

        properties["proj:shape"] = new JsonArray(grid.Height, grid.Width);
        properties["proj:transform"] = new JsonArray(transform.PixelWidth, transform.RowRotation, transform.OriginX, transform.ColumnRotation, transform.PixelHeight, transform.OriginY);
        properties["label:type"] = "raster";
        properties["label:tasks"] = new JsonArray("segmentation");
        properties["label:methods"] = new JsonArray("automated");
        properties["label:properties"] = null;
        properties["label:description"] = $"Semantic segmentation into {legend.Count} classes ({string.Join(", ", legend.Names)}) predicted by adaptseg; 255 is nodata.";
        properties["label:classes"] = new JsonArray(new JsonObject { ["name"] = null, ["classes"] = new JsonArray([.. legend.Entries.Select(e => (JsonNode)e.Value)]) });

        var classes = new JsonArray();
        foreach (ClassEntry entry in legend.Entries)
        {
            classes.Add(new JsonObject
            {
                ["value"] = entry.Value,
                ["name"] = entry.Name,
                ["description"] = entry.Name,
                ["color_hint"] = $"{entry.Red:X2}{entry.Green:X2}{entry.Blue:X2}",
            });
        }

        classes.Add(new JsonObject { ["value"] = (int)ClassLegend.NoData, ["name"] = "nodata", ["description"] = "No data: nodata in an input band, or outside the input." });

        var assets = new JsonObject
        {
            ["mask"] = new JsonObject
            {
                ["href"] = Relative(folder, maskPath),
                ["type"] = GeoTiffType(cog),
                ["title"] = "Class mask",
                ["roles"] = new JsonArray("data", "labels", "labels-raster"),
                ["classification:classes"] = classes,
                ["raster:bands"] = new JsonArray(new JsonObject
                {
                    ["data_type"] = "uint8",
                    ["nodata"] = (int)ClassLegend.NoData,
                    ["spatial_resolution"] = Math.Abs(transform.PixelWidth),
                }),
            },
        };
        if (probabilityPath is not null)
        {
            assets["probabilities"] = new JsonObject
            {
                ["href"] = Relative(folder, probabilityPath),
                ["type"] = GeoTiffType(cog),
                ["title"] = "Class probabilities, one band per class in class order",
                ["roles"] = new JsonArray("data"),
            };
        }

        if (vectorPath is not null)
        {
            assets["polygons"] = new JsonObject
            {
                ["href"] = Relative(folder, vectorPath),
                ["type"] = "application/geopackage+sqlite3",
                ["title"] = "Class polygons (layer 'classes')",
                ["roles"] = new JsonArray("data", "labels", "labels-vector"),
            };
        }

        var links = new JsonArray();
        if (DerivedFrom(folder, input, sourceItem is not null) is { } link)
        {
            links.Add(link);
        }

        (JsonNode? geometry, JsonArray? bbox) = Outline(grid, transform, crs);
        var item = new JsonObject
        {
            ["type"] = "Feature",
            ["stac_version"] = StacVersion,
            ["stac_extensions"] = new JsonArray(ProjectionExtension, ClassificationExtension, LabelExtension, RasterExtension),
            ["id"] = Path.GetFileNameWithoutExtension(maskPath),
            ["geometry"] = geometry,
        };
        if (bbox is not null)
        {
            item["bbox"] = bbox;
        }

        item["properties"] = properties;
        item["links"] = links;
        item["assets"] = assets;
        return item.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The source Item's <c>datetime</c> (or its start and end), else <paramref name="created"/>.</summary>
    private static void CopyDatetime(string? sourceItem, JsonObject properties, string created)
    {
        if (sourceItem is not null)
        {
            try
            {
                using JsonDocument source = JsonDocument.Parse(sourceItem, new JsonDocumentOptions { MaxDepth = 64 });
                if (source.RootElement.TryGetProperty("properties", out JsonElement p) && p.ValueKind == JsonValueKind.Object)
                {
                    if (p.TryGetProperty("datetime", out JsonElement dt) && dt.ValueKind == JsonValueKind.String)
                    {
                        properties["datetime"] = dt.GetString();
                        return;
                    }

                    if (p.TryGetProperty("start_datetime", out JsonElement start) && start.ValueKind == JsonValueKind.String
                        && p.TryGetProperty("end_datetime", out JsonElement end) && end.ValueKind == JsonValueKind.String)
                    {
                        properties["datetime"] = null;
                        properties["start_datetime"] = start.GetString();
                        properties["end_datetime"] = end.GetString();
                        return;
                    }
                }
            }
            catch (JsonException)
            {
                // Not the Item JSON it should be; fall back to the prediction time.
            }
        }

        properties["datetime"] = created;
    }

    /// <summary>The derived_from link: the source Item, or the input raster (local paths relative to the Item).</summary>
    private static JsonObject? DerivedFrom(string folder, string input, bool isItem)
    {
        string? href = input switch
        {
            _ when input.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || input.StartsWith("https://", StringComparison.OrdinalIgnoreCase) => input,
            _ when input.StartsWith("file://", StringComparison.OrdinalIgnoreCase) => input,
            _ when input.StartsWith("/vsicurl/", StringComparison.Ordinal) => input["/vsicurl/".Length..],
            _ when input.StartsWith("/vsis3/", StringComparison.Ordinal) => "s3://" + input["/vsis3/".Length..],
            _ when input.StartsWith("/vsi", StringComparison.Ordinal) => null,
            _ => Relative(folder, input),
        };
        if (href is null)
        {
            return null;
        }

        var link = new JsonObject { ["rel"] = "derived_from", ["href"] = href };
        if (isItem)
        {
            link["type"] = "application/geo+json";
        }
        else if (href.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) || href.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase))
        {
            link["type"] = "image/tiff; application=geotiff";
        }

        return link;
    }

    private static string Relative(string folder, string path) => Path.GetRelativePath(folder, Path.GetFullPath(path)).Replace('\\', '/');

    /// <summary>The grid's outline as a GeoJSON polygon in WGS 84 longitude/latitude (10 segments an edge) and its bbox; none without a CRS.</summary>
    private static (JsonNode? Geometry, JsonArray? Bbox) Outline(GdalDataset grid, GeoTransform transform, SpatialReference? crs)
    {
        if (crs is null)
        {
            return (null, null);
        }

        const int segments = 10;
        var x = new List<double>();
        var y = new List<double>();
        void Edge(double c0, double r0, double c1, double r1)
        {
            for (int i = 0; i < segments; i++)
            {
                var (wx, wy) = transform.PixelToWorld(c0 + ((c1 - c0) * i / segments), r0 + ((r1 - r0) * i / segments));
                x.Add(wx);
                y.Add(wy);
            }
        }

        // Counter-clockwise on the map (RFC 7946): down the left edge, along the bottom, up the right, back along the top.
        Edge(0, 0, 0, grid.Height);
        Edge(0, grid.Height, grid.Width, grid.Height);
        Edge(grid.Width, grid.Height, grid.Width, 0);
        Edge(grid.Width, 0, 0, 0);
        double[] xs = [.. x], ys = [.. y];
        try
        {
            using SpatialReference wgs84 = SpatialReference.FromUserInput("EPSG:4326");
            crs.Transform(wgs84, xs, ys);
        }
        catch (GdalException)
        {
            return (null, null); // a CRS with no way to WGS 84 (a local engineering CRS): STAC allows a null geometry
        }

        var ring = new JsonArray();
        for (int i = 0; i <= xs.Length; i++)
        {
            int k = i % xs.Length;
            ring.Add(new JsonArray(Math.Round(xs[k], 9), Math.Round(ys[k], 9)));
        }

        var geometry = new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(ring) };
        return (geometry, new JsonArray(Math.Round(xs.Min(), 9), Math.Round(ys.Min(), 9), Math.Round(xs.Max(), 9), Math.Round(ys.Max(), 9)));
    }
}
