namespace AdaptSeg.Geo.Config;

/// <summary>A domain in the config: a name and its scenes.</summary>
public sealed record DomainConfig
{
    /// <summary>Domain name (letters, digits, '-', '_', '.').</summary>
    public required string Name { get; init; }

    /// <summary>One or more scenes.</summary>
    public required IReadOnlyList<SceneConfig> Scenes { get; init; }
}
