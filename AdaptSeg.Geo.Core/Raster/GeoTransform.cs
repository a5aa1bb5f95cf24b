namespace AdaptSeg.Geo.Raster;

/// <summary>
/// GDAL's affine geotransform: <c>x = OriginX + col*PixelWidth + row*RowRotation</c>,
/// <c>y = OriginY + col*ColumnRotation + row*PixelHeight</c> (PixelHeight is negative for north-up).
/// </summary>
public readonly record struct GeoTransform(double OriginX, double PixelWidth, double RowRotation, double OriginY, double ColumnRotation, double PixelHeight)
{
    /// <summary>The six coefficients in GDAL's order.</summary>
    public double[] ToArray() => [OriginX, PixelWidth, RowRotation, OriginY, ColumnRotation, PixelHeight];

    /// <summary>From GDAL's six coefficients.</summary>
    public static GeoTransform FromArray(ReadOnlySpan<double> c) => new(c[0], c[1], c[2], c[3], c[4], c[5]);

    /// <summary>The geotransform of the window whose top-left pixel is (<paramref name="column"/>, <paramref name="row"/>).</summary>
    public GeoTransform ForWindow(int column, int row) => this with
    {
        OriginX = OriginX + column * PixelWidth + row * RowRotation,
        OriginY = OriginY + column * ColumnRotation + row * PixelHeight,
    };

    /// <summary>Map coordinates of a pixel corner.</summary>
    public (double X, double Y) PixelToWorld(double column, double row) =>
        (OriginX + column * PixelWidth + row * RowRotation, OriginY + column * ColumnRotation + row * PixelHeight);

    /// <summary>Whether the transform has no rotation terms.</summary>
    public bool IsNorthUp => RowRotation == 0 && ColumnRotation == 0;
}
