using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Tests.Inference;

/// <summary>Small georeferenced float32 rasters made from a formula, for the inference tests.</summary>
internal static class SyntheticScenes
{
    public const float NoData = -9999f;

    /// <summary>
    /// A one-band float32 GeoTIFF, north-up, origin (500000, 9100000) unless given, pixel
    /// <paramref name="pixelSize"/>, band value <paramref name="value"/>(x, y); nodata -9999.
    /// </summary>
    public static void Write(string path, int width, int height, double pixelSize, Func<int, int, float> value, string crs = "EPSG:32725",
        double originX = 500000, double originY = 9100000)
    {
        using GdalDataset ds = GdalDataset.Create("GTiff", path, width, height, 1, RasterDataType.Float32, ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"]);
        using (var srs = SpatialReference.FromUserInput(crs))
        {
            ds.ProjectionWkt = srs.Wkt;
        }

        ds.SetGeoTransform(new GeoTransform(originX, pixelSize, 0, originY, 0, -pixelSize));
        ds.SetNoData(1, NoData);
        var data = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                data[y * width + x] = value(x, y);
            }
        }

        ds.Write<float>(1, new PixelWindow(0, 0, width, height), data);
    }

    /// <summary>The WKT of <paramref name="crs"/>.</summary>
    public static string Wkt(string crs)
    {
        using var srs = SpatialReference.FromUserInput(crs);
        return srs.Wkt;
    }
}
