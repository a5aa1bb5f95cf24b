using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>Small georeferenced rasters (UTM 25S, 30 m pixels) written by tests.</summary>
public static class TinyRaster
{
    /// <summary>Writes a one-band raster whose pixel (column, row) is <paramref name="value"/>(column, row).</summary>
    public static string Write(string path, int width, int height, Func<int, int, double> value, RasterDataType type = RasterDataType.Byte,
        double originX = 290_000, double originY = 9_120_000, IEnumerable<string>? options = null)
    {
        using GdalDataset ds = GdalDataset.Create("GTiff", path, width, height, 1, type, options ?? ["COMPRESS=DEFLATE"]);
        using (SpatialReference crs = SpatialReference.FromUserInput("EPSG:31985"))
        {
            ds.ProjectionWkt = crs.Wkt;
        }

        ds.SetGeoTransform(new GeoTransform(originX, 30, 0, originY, 0, -30));
        var data = new double[(long)width * height];
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                data[(long)r * width + c] = value(c, r);
            }
        }

        ds.Write<double>(1, new PixelWindow(0, 0, width, height), data);
        return path;
    }
}
