using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// A STAC Item (JSON, a file or an http(s) URL) as one multi-band raster: the named assets become
/// bands in the order given, on the grid of the first named asset; assets at other resolutions are
/// resampled bilinearly when read (a VRT built with <c>GDALBuildVRT -separate -r bilinear</c> on
/// the first asset's extent and pixel size; band 1 of each asset). Asset hrefs that are http(s)
/// URLs are read through <c>/vsicurl/</c>, <c>s3://</c> through <c>/vsis3/</c>, relative hrefs
/// relative to the Item. Nothing is downloaded beyond what GDAL reads.
/// </summary>
public static class StacItemRaster
{
    private const int MaxItemBytes = 16 << 20;

    /// <summary>Whether <paramref name="path"/> names a STAC Item (a .json file or URL).</summary>
    public static bool IsStacItem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string withoutQuery = path.Split('?')[0];
        return withoutQuery.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Builds the VRT of <paramref name="item"/>'s <paramref name="assets"/> in GDAL's memory file
    /// system and returns its path (the same path for the same Item and assets, so shards of one run
    /// agree). Throws naming the Item, the asset and the fix.
    /// </summary>
    public static string BuildVrt(string item, IReadOnlyList<string> assets, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(item);
        ArgumentNullException.ThrowIfNull(assets);
        if (assets.Count == 0)
        {
            throw new ArgumentException($"Name the STAC assets to use as bands, in the model's band order (for example --stac-assets red,nir,green) for '{item}'.");
        }

        string json = ReadItem(item, cancellationToken);
        var hrefs = new List<string>();
        using (JsonDocument document = ParseItem(item, json))
        {
            if (!document.RootElement.TryGetProperty("assets", out JsonElement table) || table.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"'{item}' is not a STAC Item: it has no 'assets' object.");
            }

            foreach (string name in assets)
            {
                if (!table.TryGetProperty(name, out JsonElement asset) || !asset.TryGetProperty("href", out JsonElement href) || href.ValueKind != JsonValueKind.String)
                {
                    var known = table.EnumerateObject().Select(p => p.Name);
                    throw new ArgumentException($"The STAC Item '{item}' has no asset '{name}' with an href; it has {string.Join(", ", known)}. Fix --stac-assets.");
                }

                hrefs.Add(GdalPath(item, href.GetString()!));
            }
        }

        using GdalDataset first = GdalDataset.Open(hrefs[0]);
        GeoTransform transform = first.GeoTransform ?? throw new InvalidDataException($"The first asset '{hrefs[0]}' of '{item}' has no geotransform; its grid cannot be used.");
        if (!transform.IsNorthUp)
        {
            throw new NotSupportedException($"The first asset '{hrefs[0]}' of '{item}' is rotated; only north-up grids can be stacked.");
        }

        foreach (string other in hrefs.Skip(1))
        {
            using GdalDataset dataset = GdalDataset.Open(other);
            if (!SpatialReferenceMatches(first, dataset))
            {
                throw new NotSupportedException($"The asset '{other}' of '{item}' is in another CRS than '{hrefs[0]}'; warp it onto one CRS first (gdalwarp), then stack.");
            }
        }

        double xMin = transform.OriginX;
        double yMax = transform.OriginY;
        double xMax = xMin + transform.PixelWidth * first.Width;
        double yMin = yMax + transform.PixelHeight * first.Height;
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(item + "\n" + string.Join("\n", assets))))[..16];
        string path = $"/vsimem/adaptseg-stac-{key}.vrt";
        VrtBuilder.Build(path, hrefs,
        [
            "-separate", "-r", "bilinear",
            "-te", N(xMin), N(yMin), N(xMax), N(yMax),
            "-tr", N(transform.PixelWidth), N(Math.Abs(transform.PixelHeight)),
        ]);
        return path;
    }

    private static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static bool SpatialReferenceMatches(GdalDataset a, GdalDataset b)
    {
        if (string.IsNullOrEmpty(a.ProjectionWkt) || string.IsNullOrEmpty(b.ProjectionWkt))
        {
            return string.IsNullOrEmpty(a.ProjectionWkt) == string.IsNullOrEmpty(b.ProjectionWkt);
        }

        using SpatialReference sa = SpatialReference.FromWkt(a.ProjectionWkt, a.Path);
        using SpatialReference sb = SpatialReference.FromWkt(b.ProjectionWkt, b.Path);
        return sa.IsSame(sb);
    }

    private static string ReadItem(string item, CancellationToken cancellationToken)
    {
        if (item.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || item.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(1), MaxResponseContentBufferSize = MaxItemBytes };
            try
            {
                return client.GetStringAsync(new Uri(item), cancellationToken).GetAwaiter().GetResult();
            }
            catch (HttpRequestException e)
            {
                throw new IOException($"Could not read the STAC Item '{item}': {e.Message} Check the URL and the network.", e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new IOException($"Reading the STAC Item '{item}' timed out after a minute; check the URL and the network.", e);
            }
        }

        var info = new FileInfo(item);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"The STAC Item '{item}' does not exist. Check --input.", item);
        }

        if (info.Length > MaxItemBytes)
        {
            throw new InvalidDataException($"'{item}' is {info.Length} bytes; a STAC Item is at most {MaxItemBytes >> 20} MiB here.");
        }

        return File.ReadAllText(item);
    }

    private static JsonDocument ParseItem(string item, string json)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{item}' is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>An asset href as a path GDAL opens.</summary>
    private static string GdalPath(string item, string href)
    {
        if (href.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || href.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return "/vsicurl/" + href;
        }

        if (href.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            return "/vsis3/" + href["s3://".Length..];
        }

        if (href.StartsWith('/'))
        {
            return href;
        }

        if (item.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || item.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return "/vsicurl/" + new Uri(new Uri(item), href).AbsoluteUri;
        }

        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(item))!, href));
    }
}
