using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Tests.Raster;

/// <summary>Small rasters made inside tests, from sample data or from scratch.</summary>
internal static class TestRasters
{
    /// <summary>Copies <paramref name="source"/> pixel for pixel (every band, same type), with or without its CRS.</summary>
    public static void Copy(string source, string destination, bool keepCrs = true, Func<int, int, int, double>? edit = null, double? noData = null)
    {
        using GdalDataset src = GdalDataset.Open(source);
        using GdalDataset dst = GdalDataset.Create("GTiff", destination, src.Width, src.Height, src.BandCount, src.GetDataType(1), ["COMPRESS=DEFLATE"]);
        if (keepCrs)
        {
            dst.ProjectionWkt = src.ProjectionWkt;
        }

        dst.SetGeoTransform(src.GeoTransform!.Value);
        var window = new PixelWindow(0, 0, src.Width, src.Height);
        var buffer = new double[window.Area];
        for (int b = 1; b <= src.BandCount; b++)
        {
            src.Read(b, window, buffer.AsSpan());
            if (edit is not null)
            {
                for (int i = 0; i < buffer.Length; i++)
                {
                    buffer[i] = edit(b, i, (int)buffer[i]);
                }
            }

            dst.Write<double>(b, window, buffer);
            if ((noData ?? src.GetNoData(b)) is double nd)
            {
                dst.SetNoData(b, nd);
            }
        }
    }

    /// <summary>The first <paramref name="bytes"/> bytes of a file: a truncated TIFF.</summary>
    public static void Truncate(string source, string destination, int bytes) =>
        File.WriteAllBytes(destination, File.ReadAllBytes(source)[..bytes]);

    /// <summary>Reads band <paramref name="band"/> whole (test rasters are small).</summary>
    public static T[] ReadAll<T>(string path, int band = 1) where T : unmanaged
    {
        using GdalDataset ds = GdalDataset.Open(path);
        var data = new T[(long)ds.Width * ds.Height];
        ds.Read(band, new PixelWindow(0, 0, ds.Width, ds.Height), data.AsSpan());
        return data;
    }
}
