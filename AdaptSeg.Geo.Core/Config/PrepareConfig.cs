namespace AdaptSeg.Geo.Config;

/// <summary>
/// What <c>adaptseg prepare</c> does, as read from JSON (camelCase keys; unknown keys are errors).
/// Relative paths are resolved against the config file's folder.
/// </summary>
public sealed record PrepareConfig
{
    /// <summary>Class names; label value i is class i, 255 is ignore.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>
    /// Optional names of the channels (for example red, nir, green), one per band of the band maps, for both
    /// domains; a domain's own <see cref="DomainConfig.BandNames"/> replaces them. Unnamed bands stay unknown,
    /// and a pretrained model.init then maps its channels onto them by position.
    /// </summary>
    public IReadOnlyList<string>? BandNames { get; init; }

    /// <summary>The names of <paramref name="domain"/>'s channels: its own, else the dataset's, else null (unknown).</summary>
    public IReadOnlyList<string>? BandNamesOf(DomainConfig domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return domain.BandNames ?? BandNames;
    }

    /// <summary>The common grid; by default the target's CRS and the coarser pixel size of all scenes.</summary>
    public GridConfig? Grid { get; init; }

    /// <summary>Tile size in pixels for the tile index.</summary>
    public int TileSize { get; init; } = 256;

    /// <summary>Optional polygon GeoJSON (WGS84 unless it names a CRS) that limits the tiles.</summary>
    public string? Aoi { get; init; }

    /// <summary>CRS for inputs that have none (for example EPSG:32725). Inputs with a CRS keep theirs.</summary>
    public string? AssumeCrs { get; init; }

    /// <summary>The labelled domain.</summary>
    public required DomainConfig Source { get; init; }

    /// <summary>The unlabelled domain (labels, if given, are for evaluation only).</summary>
    public required DomainConfig Target { get; init; }
}
