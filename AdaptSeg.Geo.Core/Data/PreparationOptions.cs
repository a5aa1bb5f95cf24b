using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Data;

/// <summary>What <see cref="DatasetPreparation.Run"/> prepares and where.</summary>
public sealed record PreparationOptions
{
    /// <summary>The scenes, classes and grid (read one with <see cref="PrepareConfigReader.Load"/>).</summary>
    public required PrepareConfig Config { get; init; }

    /// <summary>The folder that receives the prepared dataset (created; it appears under this name only when complete).</summary>
    public required string OutputFolder { get; init; }

    /// <summary>Replace a prepared dataset already in <see cref="OutputFolder"/> (otherwise that is an error).</summary>
    public bool Overwrite { get; init; }

    /// <summary>The file <see cref="Config"/> was read from, if any: it must not lie inside <see cref="OutputFolder"/>.</summary>
    public string? ConfigPath { get; init; }
}
