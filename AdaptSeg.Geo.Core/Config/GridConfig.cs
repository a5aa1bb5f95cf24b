namespace AdaptSeg.Geo.Config;

/// <summary>The common grid the user asks for; either member may be left out.</summary>
public sealed record GridConfig
{
    /// <summary>"EPSG:xxxx" or WKT; by default the CRS of the target's first scene.</summary>
    public string? Crs { get; init; }

    /// <summary>Pixel size in the CRS's units; by default the coarsest pixel size of all scenes.</summary>
    public double? PixelSize { get; init; }
}
