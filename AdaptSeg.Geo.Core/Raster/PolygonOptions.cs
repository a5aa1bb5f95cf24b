namespace AdaptSeg.Geo.Raster;

/// <summary>Filtering and simplification of class polygons (areas and tolerances in CRS units).</summary>
public sealed record PolygonOptions
{
    /// <summary>Polygons smaller than this (in squared CRS units, m² for a projected CRS) are dropped; 0 keeps all.</summary>
    public double MinimumArea { get; init; }

    /// <summary>Douglas-Peucker tolerance (topology-preserving, per polygon) in CRS units; 0 keeps the pixel outlines.</summary>
    public double SimplifyTolerance { get; init; }

    /// <summary>Join diagonal neighbours (8-connectedness) instead of edge neighbours only.</summary>
    public bool EightConnected { get; init; }

    /// <summary>Throws naming the bad value.</summary>
    public void Validate()
    {
        if (!(MinimumArea >= 0) || double.IsInfinity(MinimumArea))
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumArea), MinimumArea, "The minimum polygon area must be 0 or more.");
        }

        if (!(SimplifyTolerance >= 0) || double.IsInfinity(SimplifyTolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(SimplifyTolerance), SimplifyTolerance, "The simplification tolerance must be 0 or more.");
        }
    }
}
