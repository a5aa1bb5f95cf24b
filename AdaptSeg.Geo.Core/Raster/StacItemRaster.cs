using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// A STAC Item (JSON: a file, an http(s) URL, a STAC API item endpoint) as one multi-band raster:
/// the named bands become bands in the order given, on the grid of the first; bands at other
/// resolutions are resampled bilinearly when read (a VRT built with <c>GDALBuildVRT -separate -r
/// bilinear</c> on the first band's extent and pixel size). Nothing is downloaded beyond what GDAL reads.
/// </summary>
/// <remarks>
/// <para>A name is found, in this order, as an asset key (<c>red</c> on Earth Search); as the
/// <c>common_name</c> of a band in an asset's <c>eo:bands</c> (STAC 1.0) or the
/// <c>eo:common_name</c> of one in its <c>bands</c> (STAC 1.1), single-band assets first
/// (<c>B04</c> on Planetary Computer, not its 3-band <c>visual</c>); as a band's <c>name</c>; and
/// <c>nir</c> also as the narrower <c>nir08</c> of the eo common names (Landsat Collection 2 has no
/// band named <c>nir</c>). A band inside a multi-band asset is read from its position there.</para>
/// <para>Each band's <c>raster:bands</c> (or 1.1 <c>bands</c>) <c>scale</c>/<c>offset</c>
/// (<c>raster:scale</c>/<c>raster:offset</c>) are applied, so values are read as
/// <c>raw × scale + offset</c> in float32 (Sentinel-2 L2A from processing baseline 04.00 carries
/// offset −0.1 with scale 0.0001: without it the values shift by 1000 DN, a domain shift of the
/// tool's own making), unless <see cref="StacValues.Raw"/>; its <c>nodata</c> marks nodata (NaN
/// after scaling). Hrefs: http(s) through <c>/vsicurl/</c>, <c>s3://</c> through <c>/vsis3/</c>,
/// <c>file://</c> as local paths, others (<c>/path</c> included) relative to the Item's own location.</para>
/// </remarks>
public static class StacItemRaster
{
    private const int MaxItemBytes = 16 << 20;

    /// <summary>Common names that stand for a wider one when an Item has no band by that name (eo extension: nir08 lies in nir).</summary>
    private static readonly Dictionary<string, string[]> Narrower = new(StringComparer.OrdinalIgnoreCase) { ["nir"] = ["nir08"] };

    /// <summary>Whether <paramref name="path"/> names a STAC Item by its name alone (a .json file or URL).</summary>
    public static bool IsStacItem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string withoutQuery = path.Split('?')[0];
        return withoutQuery.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a STAC Item: by its name (<see cref="IsStacItem(string)"/>), or,
    /// for an http(s) URL or a local file, by its content (a JSON object with <c>"type": "Feature"</c> and
    /// <c>stac_version</c>, as STAC API item endpoints serve them without <c>.json</c>). Only the first
    /// bytes are read from anything that does not start like JSON (a GeoTIFF, say).
    /// </summary>
    public static bool IsStacItem(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        return IsStacItem(path) || ItemByContent(path, cancellationToken) is not null;
    }

    /// <summary>
    /// The Item's text when <paramref name="path"/> is a STAC Item (<see cref="IsStacItem(string, CancellationToken)"/>),
    /// else null: one read, whose text <see cref="BuildVrt(string, string, IReadOnlyList{string}, StacValues, CancellationToken)"/>
    /// and <c>PredictionRequest.StacSourceItem</c> then take instead of fetching the Item again.
    /// </summary>
    public static string? TryReadItem(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        return IsStacItem(path) ? ReadItem(path, cancellationToken) : ItemByContent(path, cancellationToken);
    }

    /// <summary>The text of an http(s) URL or local file that holds a STAC Item (a JSON object with <c>"type": "Feature"</c> and <c>stac_version</c>); null for anything else.</summary>
    private static string? ItemByContent(string path, CancellationToken cancellationToken)
    {
        string? text = IsHttp(path) ? TryReadHttpJson(path, cancellationToken) : TryReadLocalJson(LocalPath(path));
        if (text is null)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            JsonElement root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Feature"
                && root.TryGetProperty("stac_version", out JsonElement version) && version.ValueKind == JsonValueKind.String
                ? text
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Builds the VRT of <paramref name="item"/>'s bands with the values physical (scale and offset applied).</summary>
    public static string BuildVrt(string item, IReadOnlyList<string> assets, CancellationToken cancellationToken = default) =>
        BuildVrt(item, assets, StacValues.Physical, cancellationToken);

    /// <summary>
    /// Builds the VRT of <paramref name="item"/>'s <paramref name="assets"/> (asset keys or band names,
    /// see the remarks) in GDAL's memory file system and returns its path (the same path for the same
    /// Item, names and <paramref name="values"/>, so shards of one run agree). Throws naming the Item,
    /// the name and the fix.
    /// </summary>
    public static string BuildVrt(string item, IReadOnlyList<string> assets, StacValues values, CancellationToken cancellationToken = default)
    {
        CheckAssets(item, assets);
        return BuildVrt(item, ReadItem(item, cancellationToken), assets, values, cancellationToken);
    }

    /// <summary>As <see cref="BuildVrt(string, IReadOnlyList{string}, StacValues, CancellationToken)"/>, with the Item's text already read (<see cref="TryReadItem"/>).</summary>
    public static string BuildVrt(string item, string json, IReadOnlyList<string> assets, StacValues values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        CheckAssets(item, assets);
        var bands = new List<StacBand>();
        using (JsonDocument document = ParseItem(item, json))
        {
            if (!document.RootElement.TryGetProperty("assets", out JsonElement table) || table.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"'{item}' is not a STAC Item: it has no 'assets' object.");
            }

            foreach (string name in assets)
            {
                bands.Add(FindBand(item, table, name));
            }
        }

        var hrefs = bands.Select(b => GdalPath(item, b.Href)).ToList();
        using GdalDataset first = GdalDataset.Open(hrefs[0]);
        GeoTransform transform = first.GeoTransform ?? throw new InvalidDataException($"The first asset '{hrefs[0]}' of '{item}' has no geotransform; its grid cannot be used.");
        if (!transform.IsNorthUp)
        {
            throw new NotSupportedException($"The first asset '{hrefs[0]}' of '{item}' is rotated; only north-up grids can be stacked.");
        }

        for (int i = 0; i < hrefs.Count; i++)
        {
            using GdalDataset? opened = i == 0 ? null : GdalDataset.Open(hrefs[i]); // the first is open already
            GdalDataset dataset = opened ?? first;
            if (bands[i].SourceBand > dataset.BandCount)
            {
                throw new InvalidDataException($"'{item}': the asset '{bands[i].Asset}' lists band '{assets[i]}' as band {bands[i].SourceBand}, but '{hrefs[i]}' has {dataset.BandCount}.");
            }

            if (i > 0 && !SpatialReferenceMatches(first, dataset))
            {
                throw new NotSupportedException($"The asset '{hrefs[i]}' of '{item}' is in another CRS than '{hrefs[0]}'; warp it onto one CRS first (gdalwarp), then stack.");
            }
        }

        double xMin = transform.OriginX;
        double yMax = transform.OriginY;
        double xMax = xMin + transform.PixelWidth * first.Width;
        double yMin = yMax + transform.PixelHeight * first.Height;
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(item + "\n" + string.Join("\n", assets) + "\n" + values)))[..16];
        string path = $"/vsimem/adaptseg-stac-{key}.vrt";
        VrtBuilder.Build(path, hrefs,
        [
            "-separate", "-r", "bilinear",
            "-te", N(xMin), N(yMin), N(xMax), N(yMax),
            "-tr", N(transform.PixelWidth), N(Math.Abs(transform.PixelHeight)),
        ]);
        ApplyBandSettings(path, bands, values);
        return path;
    }

    private static void CheckAssets(string item, IReadOnlyList<string> assets)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(item);
        ArgumentNullException.ThrowIfNull(assets);
        if (assets.Count == 0)
        {
            throw new ArgumentException($"Name the STAC assets to use as bands (StacItemRaster.BuildVrt's assets), in the model's band order (for example red,nir,green) for '{item}'.");
        }
    }

    /// <summary>The Item's text (bounded: 16 MiB, one minute for a URL).</summary>
    public static string ReadItem(string item, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(item);
        if (IsHttp(item))
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

        string local = LocalPath(item);
        var info = new FileInfo(local);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"The STAC Item '{item}' does not exist. Check the Item's path or URL.", local);
        }

        if (info.Length > MaxItemBytes)
        {
            throw new InvalidDataException($"'{item}' is {info.Length} bytes; a STAC Item is at most {MaxItemBytes >> 20} MiB here.");
        }

        return File.ReadAllText(local);
    }

    /// <summary>One band to read: the asset, its href, the band's position in it, and its raster settings.</summary>
    private sealed record StacBand(string Asset, string Href, int SourceBand, double Scale, double Offset, string? NoData);

    /// <summary>Finds <paramref name="name"/> in the assets (see the type's remarks).</summary>
    private static StacBand FindBand(string item, JsonElement table, string name)
    {
        if (table.TryGetProperty(name, out JsonElement exact) && exact.ValueKind == JsonValueKind.Object)
        {
            return Band(item, name, exact, 0);
        }

        var candidates = new List<(string Asset, JsonElement Value, int Index, int Bands)>();
        void Search(Func<JsonElement, string?> field, string wanted)
        {
            foreach (JsonProperty asset in table.EnumerateObject())
            {
                JsonElement[] list = BandList(asset.Value);
                for (int i = 0; i < list.Length; i++)
                {
                    if (string.Equals(field(list[i]), wanted, StringComparison.OrdinalIgnoreCase))
                    {
                        candidates.Add((asset.Name, asset.Value, i, list.Length));
                    }
                }
            }
        }

        static string? Text(JsonElement band, string key) =>
            band.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        Search(b => Text(b, "common_name") ?? Text(b, "eo:common_name"), name);
        if (candidates.Count == 0)
        {
            Search(b => Text(b, "name"), name);
        }

        if (candidates.Count == 0 && Narrower.TryGetValue(name, out string[]? narrower))
        {
            foreach (string n in narrower)
            {
                Search(b => Text(b, "common_name") ?? Text(b, "eo:common_name"), n);
            }
        }

        // Single-band assets first (B04 rather than the 3-band 'visual' that also holds red).
        var single = candidates.Where(c => c.Bands == 1).ToList();
        var chosen = single.Count > 0 ? single : candidates;
        if (chosen.Count == 1)
        {
            return Band(item, chosen[0].Asset, chosen[0].Value, chosen[0].Index);
        }

        var known = table.EnumerateObject().Select(p => p.Name);
        if (chosen.Count > 1)
        {
            throw new ArgumentException(
                $"The STAC Item '{item}' has {chosen.Count} bands that could be '{name}' (in assets {string.Join(", ", chosen.Select(c => c.Asset).Distinct())}); name the asset in StacItemRaster.BuildVrt's assets instead.");
        }

        throw new ArgumentException(
            $"The STAC Item '{item}' has no asset '{name}' and no band with the common name or name '{name}'; it has assets {string.Join(", ", known)}. Fix StacItemRaster.BuildVrt's assets.");
    }

    /// <summary>The asset's band objects: STAC 1.1 <c>bands</c>, else <c>eo:bands</c>, else none.</summary>
    private static JsonElement[] BandList(JsonElement asset)
    {
        foreach (string key in new[] { "bands", "eo:bands" })
        {
            if (asset.ValueKind == JsonValueKind.Object && asset.TryGetProperty(key, out JsonElement list) && list.ValueKind == JsonValueKind.Array)
            {
                return [.. list.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.Object)];
            }
        }

        return [];
    }

    /// <summary>Band <paramref name="index"/> of an asset with its scale, offset and nodata.</summary>
    private static StacBand Band(string item, string asset, JsonElement value, int index)
    {
        if (!value.TryGetProperty("href", out JsonElement href) || href.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException($"The asset '{asset}' of the STAC Item '{item}' has no href.");
        }

        double scale = 1, offset = 0;
        string? noData = null;
        // STAC 1.0 raster extension: raster:bands[index]; STAC 1.1: bands[index] with raster:scale/offset and nodata.
        JsonElement? settings = null;
        if (value.TryGetProperty("raster:bands", out JsonElement raster) && raster.ValueKind == JsonValueKind.Array && index < raster.GetArrayLength())
        {
            settings = raster[index];
        }
        else if (value.TryGetProperty("bands", out JsonElement bands) && bands.ValueKind == JsonValueKind.Array && index < bands.GetArrayLength())
        {
            settings = bands[index];
        }

        if (settings is { ValueKind: JsonValueKind.Object } s)
        {
            scale = Number(s, "scale") ?? Number(s, "raster:scale") ?? 1;
            offset = Number(s, "offset") ?? Number(s, "raster:offset") ?? 0;
            if (s.TryGetProperty("nodata", out JsonElement nd))
            {
                noData = nd.ValueKind switch
                {
                    JsonValueKind.Number => nd.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                    JsonValueKind.String when nd.GetString() is "nan" or "inf" or "-inf" => nd.GetString(),
                    _ => throw new InvalidDataException($"The asset '{asset}' of '{item}' gives nodata {nd.GetRawText()}; the raster extension allows a number, \"nan\", \"inf\" or \"-inf\"."),
                };
            }

            if (!double.IsFinite(scale) || scale == 0 || !double.IsFinite(offset))
            {
                throw new InvalidDataException($"The asset '{asset}' of '{item}' gives scale {scale} and offset {offset}; the scale must be a finite number other than 0 and the offset finite.");
            }
        }

        return new StacBand(asset, href.GetString()!, index + 1, scale, offset, noData);
    }

    private static double? Number(JsonElement element, string key) =>
        element.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>
    /// Edits the VRT GDALBuildVRT wrote: each band reads its band of the asset, with the Item's nodata,
    /// and (physical values) as float32 <c>raw × scale + offset</c> with nodata NaN.
    /// </summary>
    private static void ApplyBandSettings(string path, IReadOnlyList<StacBand> bands, StacValues values)
    {
        XDocument vrt = XDocument.Parse(VsiMemoryFile.ReadAllText(path));
        var rasterBands = vrt.Root!.Elements("VRTRasterBand").ToList();
        for (int i = 0; i < bands.Count && i < rasterBands.Count; i++)
        {
            StacBand band = bands[i];
            XElement rasterBand = rasterBands[i];
            XElement source = rasterBand.Elements().First(e => e.Name.LocalName is "SimpleSource" or "ComplexSource");
            source.Name = "ComplexSource";
            source.SetElementValue("SourceBand", band.SourceBand.ToString(CultureInfo.InvariantCulture));
            bool scaled = values == StacValues.Physical && (band.Scale != 1 || band.Offset != 0);
            string? noData = band.NoData ?? rasterBand.Element("NoDataValue")?.Value ?? source.Element("NODATA")?.Value;
            if (noData is not null)
            {
                source.SetElementValue("NODATA", noData);
                rasterBand.SetElementValue("NoDataValue", scaled ? "nan" : noData);
            }

            if (scaled)
            {
                rasterBand.SetAttributeValue("dataType", "Float32");
                source.SetElementValue("ScaleOffset", band.Offset.ToString("R", CultureInfo.InvariantCulture));
                source.SetElementValue("ScaleRatio", band.Scale.ToString("R", CultureInfo.InvariantCulture));
            }
        }

        VsiMemoryFile.WriteAllText(path, vrt.ToString());
    }

    private static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static bool IsHttp(string path) =>
        path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>A <c>file://</c> URL as a local path; anything else as it is.</summary>
    private static string LocalPath(string path) =>
        path.StartsWith("file://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(path, UriKind.Absolute, out Uri? uri) ? uri.LocalPath : path;

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

    /// <summary>The body of an http(s) URL when it starts like a JSON object (read to at most 16 MiB), else null.</summary>
    private static string? TryReadHttpJson(string url, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/geo+json"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.9));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*", 0.1));
            using HttpResponseMessage response = client.Send(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxItemBytes)
            {
                return null;
            }

            using Stream body = response.Content.ReadAsStream(cancellationToken);
            return ReadIfJson(body);
        }
        catch (HttpRequestException)
        {
            return null; // not reachable as an Item; GDAL reports its own error for the raster path
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static string? TryReadLocalJson(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length > MaxItemBytes)
        {
            return null;
        }

        using FileStream stream = File.OpenRead(path);
        return ReadIfJson(stream);
    }

    /// <summary>The stream's text if its first non-blank byte is '{' (at most 16 MiB), else null after a few bytes.</summary>
    private static string? ReadIfJson(Stream stream)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        bool started = false;
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (!started)
            {
                int firstByte = Array.FindIndex(chunk, 0, read, b => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF));
                if (firstByte >= 0)
                {
                    if (chunk[firstByte] != (byte)'{')
                    {
                        return null;
                    }

                    started = true;
                }
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxItemBytes)
            {
                return null;
            }
        }

        return started ? Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) : null;
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
        if (IsHttp(href))
        {
            return "/vsicurl/" + href;
        }

        if (href.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            return "/vsis3/" + href["s3://".Length..];
        }

        if (href.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            return LocalPath(href);
        }

        if (href.StartsWith("/vsi", StringComparison.Ordinal))
        {
            return href;
        }

        if (IsHttp(item))
        {
            // Relative to the Item's URL; "/path" to its host (a STAC API serving assets from the same server).
            return "/vsicurl/" + new Uri(new Uri(item), href).AbsoluteUri;
        }

        string local = LocalPath(item);
        return href.StartsWith('/') ? href : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(local))!, href));
    }
}
