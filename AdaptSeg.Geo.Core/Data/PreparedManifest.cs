using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdaptSeg.Geo.Data;

/// <summary>
/// The JSON shapes of <c>prepared.json</c> and <c>statistics.json</c> (paths in them are relative
/// to the prepared folder). Internal: callers use <see cref="PreparedDataset"/>.
/// </summary>
internal sealed record PreparedManifest
{
    public const string FormatName = "adaptseg-prepared";
    public const int CurrentVersion = 1;
    public const string FileName = "prepared.json";
    public const string StatisticsFileName = "statistics.json";
    public const string TileIndexFileName = "tiles.geojson";

    public required string Format { get; init; }
    public required int Version { get; init; }
    public required string CreatedUtc { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }
    public required int IgnoreLabel { get; init; }
    public required int BandCount { get; init; }

    /// <summary>The source domain's band names (the network's input channels), as before domains had their own; null when unknown.</summary>
    public IReadOnlyList<string>? BandNames { get; init; }
    public required ManifestGrid Grid { get; init; }
    public required int TileSize { get; init; }
    public required string Statistics { get; init; }
    public required string TileIndex { get; init; }
    public string? Aoi { get; init; }
    public required ManifestDomain Source { get; init; }
    public required ManifestDomain Target { get; init; }

    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

internal sealed record ManifestGrid
{
    public required string CrsWkt { get; init; }
    public int? Epsg { get; init; }
    public required double PixelSize { get; init; }
}

internal sealed record ManifestDomain
{
    public required string Name { get; init; }

    /// <summary>"training" for the source, "evaluation-only" for the target.</summary>
    public required string LabelsUse { get; init; }

    /// <summary>The domain's band names in channel order; null when the config named none (manifests before per-domain names: see <see cref="PreparedManifest.BandNames"/>).</summary>
    public IReadOnlyList<string>? BandNames { get; init; }

    public required IReadOnlyList<ManifestScene> Scenes { get; init; }
}

internal sealed record ManifestScene
{
    public required string Name { get; init; }
    public required string Image { get; init; }
    public string? Labels { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required double[] GeoTransform { get; init; }
    public required string InputImage { get; init; }
    public required IReadOnlyList<int> InputBands { get; init; }
    public string? InputLabels { get; init; }
    public required string ImageResampling { get; init; }
    public string? LabelResampling { get; init; }

    /// <summary>Target scenes: the training labels (pseudo-labels), apart from the evaluation labels.</summary>
    public string? TrainingLabels { get; init; }
    public string? InputTrainingLabels { get; init; }
    public string? TrainingLabelResampling { get; init; }
    public required int Tiles { get; init; }
}

internal sealed record StatisticsFile
{
    public IReadOnlyList<string>? BandNames { get; init; }
    public required string Note { get; init; }
    public required DomainStatistics Source { get; init; }
    public required DomainStatistics Target { get; init; }
}

internal sealed record DomainStatistics
{
    public required string Name { get; init; }
    public required double[] Mean { get; init; }
    public required double[] Std { get; init; }
    public required long ValidPixels { get; init; }
}
