namespace AdaptSeg.Geo.Inference;

/// <summary>Many scenes, one model: what <see cref="SceneListPrediction"/> predicts and where it writes.</summary>
public sealed record SceneListRequest
{
    /// <summary>The scenes (paths or GDAL remote paths), in order; see <see cref="SceneListPrediction.ResolveInputs"/>.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>The folder the masks go to (it must exist).</summary>
    public required string OutputFolder { get; init; }

    /// <summary>The mask name of each scene: <c>{name}</c> is the scene's file name without extension (default <c>{name}_mask.tif</c>).</summary>
    public string NamePattern { get; init; } = "{name}_mask.tif";

    /// <summary>Leave scenes whose mask already exists alone (a re-run after a failure finishes the rest).</summary>
    public bool SkipExisting { get; init; }

    /// <summary>Replace masks that exist (otherwise an existing mask is an error for its scene unless skipped).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Everything else (bands, tiling, legend, mask options); its input and mask paths are replaced per scene.</summary>
    public required PredictionRequest Template { get; init; }

    /// <summary>Only the scenes of this shard: scene i belongs to shard i mod N (null: all scenes).</summary>
    public ShardAssignment? Shard { get; init; }
}
