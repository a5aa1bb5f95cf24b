namespace AdaptSeg.Geo.Raster;

/// <summary>
/// The common grid every scene is warped onto: a CRS and a square pixel size in its units.
/// Pixel edges sit on multiples of the pixel size (gdalwarp's <c>-tap</c>), so two scenes on the
/// same grid line up pixel for pixel wherever they overlap.
/// </summary>
public sealed record OutputGrid
{
    public OutputGrid(string crsWkt, double pixelSize)
    {
        if (string.IsNullOrWhiteSpace(crsWkt))
        {
            throw new ArgumentException("The grid needs a CRS.", nameof(crsWkt));
        }

        if (!(pixelSize > 0) || double.IsInfinity(pixelSize))
        {
            throw new ArgumentOutOfRangeException(nameof(pixelSize), pixelSize, "The pixel size must be a positive number in the grid CRS's units (metres for UTM).");
        }

        CrsWkt = crsWkt;
        PixelSize = pixelSize;
    }

    /// <summary>The grid's CRS as WKT.</summary>
    public string CrsWkt { get; }

    /// <summary>Pixel width and height in CRS units.</summary>
    public double PixelSize { get; }

    /// <summary>Whether <paramref name="transform"/> is north-up, has this pixel size and pixel edges on multiples of it.</summary>
    public bool IsAligned(GeoTransform transform, double tolerance = 1e-6)
    {
        double rel = tolerance * PixelSize;
        return transform.IsNorthUp
            && Math.Abs(transform.PixelWidth - PixelSize) <= rel
            && Math.Abs(-transform.PixelHeight - PixelSize) <= rel
            && OnGrid(transform.OriginX, rel) && OnGrid(transform.OriginY, rel);
    }

    private bool OnGrid(double coordinate, double tolerance)
    {
        double k = coordinate / PixelSize;
        return Math.Abs(k - Math.Round(k)) * PixelSize <= tolerance;
    }
}
