using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// What one shard of a sharded prediction wrote, saved next to it as JSON (written last, so a shard
/// with a manifest is complete): which shard of how many, the input and its grid, the tiling, the
/// classes, the rows and tiles it covers and its files (names relative to the manifest's folder).
/// <c>adaptseg mosaic</c> checks a set of these before joining the shards.
/// </summary>
public sealed record ShardManifest
{
    /// <summary>The format tag of this file.</summary>
    public const string CurrentFormat = "adaptseg-shard/1";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Format tag (<see cref="CurrentFormat"/>).</summary>
    public required string Format { get; init; }

    /// <summary>Shard index K, 0-based.</summary>
    public required int Index { get; init; }

    /// <summary>Number of shards N.</summary>
    public required int Count { get; init; }

    /// <summary>The input raster as given.</summary>
    public required string Input { get; init; }

    /// <summary>Input width in pixels.</summary>
    public required int Width { get; init; }

    /// <summary>Input height in pixels.</summary>
    public required int Height { get; init; }

    /// <summary>The input's geotransform (6 numbers), or null.</summary>
    public double[]? GeoTransform { get; init; }

    /// <summary>The input's CRS as WKT ("" when none).</summary>
    public required string Crs { get; init; }

    /// <summary>Tile size.</summary>
    public required int TileSize { get; init; }

    /// <summary>Tile overlap.</summary>
    public required int Overlap { get; init; }

    /// <summary>Blend window.</summary>
    public required string Blend { get; init; }

    /// <summary>Tiles per predictor call.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Class names in value order.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>First raster row of this shard.</summary>
    public required int FirstRow { get; init; }

    /// <summary>One past its last raster row.</summary>
    public required int EndRow { get; init; }

    /// <summary>First tile predicted (row-major index in the global grid).</summary>
    public required int FirstTile { get; init; }

    /// <summary>One past the last tile predicted.</summary>
    public required int EndTile { get; init; }

    /// <summary>The shard's class mask, relative to the manifest's folder.</summary>
    public required string Mask { get; init; }

    /// <summary>The shard's probability raster, relative to the manifest's folder, or null.</summary>
    public string? Probabilities { get; init; }

    /// <summary>The shard's polygons, relative to the manifest's folder, or null.</summary>
    public string? Polygons { get; init; }

    /// <summary>Reads a manifest; throws <see cref="InvalidDataException"/> naming the file when it is not one.</summary>
    public static ShardManifest Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"The shard manifest '{path}' does not exist.", path);
        }

        if (info.Length > 1 << 20)
        {
            throw new InvalidDataException($"'{path}' is {info.Length} bytes, too large for a shard manifest (at most 1 MiB); it is not one.");
        }

        try
        {
            ShardManifest manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"'{path}' holds JSON null, not a shard manifest.");
            if (manifest.Format != CurrentFormat)
            {
                throw new InvalidDataException($"'{path}' has format '{manifest.Format}', expected '{CurrentFormat}'; predict the shard again with this version.");
            }

            return manifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid shard manifest: {e.Message} Predict the shard again.", e);
        }
    }

    /// <summary>Writes the manifest under a temporary name and renames it to <paramref name="path"/>.</summary>
    public void Write(string path)
    {
        Runtime.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }
}
