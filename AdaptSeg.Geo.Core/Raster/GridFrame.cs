namespace AdaptSeg.Geo.Raster;

/// <summary>The footprint of one scene on the common grid: its geotransform and size.</summary>
public sealed record GridFrame(string CrsWkt, GeoTransform Transform, int Width, int Height)
{
    /// <summary>Map bounds (min x, min y, max x, max y) of the frame.</summary>
    public (double MinX, double MinY, double MaxX, double MaxY) Bounds
    {
        get
        {
            (double x0, double y0) = Transform.PixelToWorld(0, 0);
            (double x1, double y1) = Transform.PixelToWorld(Width, Height);
            return (Math.Min(x0, x1), Math.Min(y0, y1), Math.Max(x0, x1), Math.Max(y0, y1));
        }
    }

    /// <summary>The frame of an open raster.</summary>
    public static GridFrame Of(GdalDataset dataset) =>
        new(dataset.ProjectionWkt, dataset.GeoTransform ?? throw new GdalException($"'{dataset.Path}' has no geotransform.", null, dataset.Path), dataset.Width, dataset.Height);
}
