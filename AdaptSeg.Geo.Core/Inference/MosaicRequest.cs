using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Inference;

/// <summary>What <see cref="ShardMosaic"/> joins and where it writes.</summary>
public sealed record MosaicRequest
{
    /// <summary>The mask path the shards were predicted with (<c>predict --shard K/N --output</c>); the manifests lie next to it.</summary>
    public required string ShardsOf { get; init; }

    /// <summary>The joined mask: a <c>.vrt</c> (a virtual raster over the shard files) or a GeoTIFF (COG with <see cref="MaskOptions"/>).</summary>
    public required string OutputPath { get; init; }

    /// <summary>Compression and COG of a materialised mosaic.</summary>
    public MaskOutputOptions MaskOptions { get; init; } = new();

    /// <summary>Optional: the joined probability raster (the shards must have written probabilities).</summary>
    public string? ProbabilityPath { get; init; }

    /// <summary>Optional: class polygons of the joined mask (GeoPackage), whole across shard borders.</summary>
    public string? VectorPath { get; init; }

    /// <summary>Replace outputs that already exist (never a shard file or manifest, whatever this says).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Polygon filtering and simplification.</summary>
    public PolygonOptions VectorOptions { get; init; } = new();
}
