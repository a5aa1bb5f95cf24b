using System.Text.Json;
using AdaptSeg.Geo.Raster;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace AdaptSeg.Geo.Data;

/// <summary>
/// A polygon area of interest from GeoJSON (a FeatureCollection, a Feature or a bare geometry).
/// Coordinates are WGS84 longitude/latitude as RFC 7946 says, unless the file names another CRS
/// in a legacy <c>"crs"</c> member (as GDAL writes for projected GeoJSON).
/// </summary>
public sealed class AreaOfInterest
{
    private AreaOfInterest(string path, Geometry geometry, string crsDefinition)
    {
        Path = path;
        Geometry = geometry;
        CrsDefinition = crsDefinition;
    }

    /// <summary>The file it came from.</summary>
    public string Path { get; }

    /// <summary>The union of its polygons, in <see cref="CrsDefinition"/>.</summary>
    public Geometry Geometry { get; }

    /// <summary>The CRS of the coordinates ("EPSG:4326" by default).</summary>
    public string CrsDefinition { get; }

    /// <summary>Reads and checks the file: it must hold at least one valid polygon.</summary>
    public static AreaOfInterest Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new PrepareInputException($"The AOI file '{path}' does not exist. Check the path.", path);
        }

        try
        {
            string json = File.ReadAllText(path);
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            string crs = "EPSG:4326";
            if (root.TryGetProperty("crs", out JsonElement crsElement)
                && crsElement.TryGetProperty("properties", out JsonElement props)
                && props.TryGetProperty("name", out JsonElement name) && name.GetString() is string n
                && !n.Contains("CRS84", StringComparison.OrdinalIgnoreCase))
            {
                crs = n;
            }

            var options = new JsonSerializerOptions();
            options.Converters.Add(new GeoJsonConverterFactory());
            string type = root.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? "" : "";
            IEnumerable<Geometry> geometries = type switch
            {
                "FeatureCollection" => JsonSerializer.Deserialize<FeatureCollection>(json, options)!.Select(f => f.Geometry),
                "Feature" => [JsonSerializer.Deserialize<IFeature>(json, options)!.Geometry],
                _ => [JsonSerializer.Deserialize<Geometry>(json, options)!],
            };
            var polygons = geometries.Where(g => g is Polygon or MultiPolygon).ToList();
            if (polygons.Count == 0)
            {
                throw new PrepareInputException($"The AOI '{path}' holds no polygon. Give a GeoJSON Polygon or MultiPolygon.", path);
            }

            Geometry union = polygons.Count == 1 ? polygons[0] : new GeometryFactory().BuildGeometry(polygons).Union();
            if (!union.IsValid)
            {
                union = NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(union);
            }

            return new AreaOfInterest(path, union, crs);
        }
        catch (JsonException e)
        {
            throw new PrepareInputException($"The AOI '{path}' is not valid GeoJSON ({e.Message}). Give a Polygon FeatureCollection.", path, e);
        }
    }

    /// <summary>The AOI's geometry reprojected to <paramref name="target"/>.</summary>
    public Geometry In(SpatialReference target)
    {
        using SpatialReference own = SpatialReference.FromUserInput(CrsDefinition, Path);
        Geometry copy = Geometry.Copy();
        if (own.IsSame(target))
        {
            return copy;
        }

        copy.Apply(new Reprojection(own, target));
        copy.GeometryChanged();
        return copy;
    }

    private sealed class Reprojection(SpatialReference from, SpatialReference to) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            var x = new double[seq.Count];
            var y = new double[seq.Count];
            for (int i = 0; i < seq.Count; i++)
            {
                x[i] = seq.GetX(i);
                y[i] = seq.GetY(i);
            }

            from.Transform(to, x, y);
            for (int i = 0; i < seq.Count; i++)
            {
                seq.SetX(i, x[i]);
                seq.SetY(i, y[i]);
            }
        }
    }
}
