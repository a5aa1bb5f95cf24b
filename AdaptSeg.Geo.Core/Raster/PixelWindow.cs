namespace AdaptSeg.Geo.Raster;

/// <summary>A rectangle of pixels: top-left column and row, width and height.</summary>
public readonly record struct PixelWindow(int Column, int Row, int Width, int Height)
{
    /// <summary>Number of pixels.</summary>
    public long Area => (long)Width * Height;

    /// <summary>Whether the window lies inside a raster of the given size.</summary>
    public bool FitsIn(int rasterWidth, int rasterHeight) =>
        Column >= 0 && Row >= 0 && Width > 0 && Height > 0 && Column + Width <= rasterWidth && Row + Height <= rasterHeight;
}
