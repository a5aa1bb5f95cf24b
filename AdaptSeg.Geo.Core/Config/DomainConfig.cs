namespace AdaptSeg.Geo.Config;

/// <summary>A domain in the config: a name and its scenes.</summary>
public sealed record DomainConfig
{
    /// <summary>Domain name (letters, digits, '-', '_', '.').</summary>
    public required string Name { get; init; }

    /// <summary>One or more scenes.</summary>
    public required IReadOnlyList<SceneConfig> Scenes { get; init; }

    /// <summary>
    /// Names of this domain's channels, one per band of its band maps, in order (STAC common names such as
    /// red, nir, green, or your own); replaces the dataset's <see cref="PrepareConfig.BandNames"/> for this domain.
    /// </summary>
    public IReadOnlyList<string>? BandNames { get; init; }
}
