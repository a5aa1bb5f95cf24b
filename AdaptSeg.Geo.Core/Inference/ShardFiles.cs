using System.Text.RegularExpressions;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// How shard outputs are named: shard K of N of <c>out/mask.tif</c> is <c>out/mask.shard-K-of-N.tif</c>
/// with its manifest <c>out/mask.shard-K-of-N.json</c> (probabilities and polygons likewise next to
/// their own paths). The mosaic finds a set by the final mask's name.
/// </summary>
public static partial class ShardFiles
{
    /// <summary>The name shard <paramref name="index"/> of <paramref name="count"/> gives <paramref name="path"/>.</summary>
    public static string ShardPath(string path, int index, int count, string? extension = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string stem = Path.GetFileNameWithoutExtension(path);
        return Path.Combine(folder, $"{stem}.shard-{index}-of-{count}{extension ?? Path.GetExtension(path)}");
    }

    /// <summary>The manifest of shard <paramref name="index"/> of <paramref name="count"/> of the mask <paramref name="maskPath"/>.</summary>
    public static string ManifestPath(string maskPath, int index, int count) => ShardPath(maskPath, index, count, ".json");

    /// <summary>Every shard manifest next to <paramref name="maskPath"/> (<c>mask.shard-*-of-*.json</c>), sorted by name.</summary>
    public static IReadOnlyList<string> FindManifests(string maskPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(maskPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(maskPath))!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The shard folder '{folder}' does not exist; give the mask path the shards were predicted with (PredictionRequest.MaskPath).");
        }

        string stem = Path.GetFileNameWithoutExtension(maskPath);
        return [.. Directory.EnumerateFiles(folder, $"{stem}.shard-*-of-*.json")
            .Where(f => ManifestName().IsMatch(Path.GetFileName(f)[stem.Length..]))
            .Order(StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"^\.shard-[0-9]+-of-[0-9]+\.json$")]
    private static partial Regex ManifestName();
}
