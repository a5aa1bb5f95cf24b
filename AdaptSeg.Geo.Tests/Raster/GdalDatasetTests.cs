using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Raster.Interop;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Raster;

public sealed class GdalDatasetTests
{
    [Fact]
    public void Open_LandsatSample_ReportsSizeBandsAndCrs()
    {
        using var ds = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        Assert.Equal((349, 352, 6), (ds.Width, ds.Height, ds.BandCount));
        Assert.Contains("31985", ds.ProjectionWkt);
        Assert.Equal(28.5, ds.GeoTransform!.Value.PixelWidth, 1e-6);
        Assert.Equal(RasterDataType.Byte, ds.GetDataType(1));
    }

    [Fact]
    public void Create_NeverDisposed_FinalizerClosesTheFileWithItsPixels()
    {
        using var temp = new TempDirectory();
        string path = temp.File("leaked.tif");

        WriteWithoutDispose(path);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        using var reopened = GdalDataset.Open(path);
        var pixels = new byte[16];
        reopened.Read<byte>(1, new PixelWindow(0, 0, 4, 4), pixels);
        Assert.All(pixels, p => Assert.Equal(42, p));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void WriteWithoutDispose(string path)
    {
        GdalDataset ds = GdalDataset.Create("GTiff", path, 4, 4, 1, RasterDataType.Byte, []);
        ds.Write<byte>(1, new PixelWindow(0, 0, 4, 4), Enumerable.Repeat((byte)42, 16).ToArray());
    }

    [Fact]
    public void Window_WrittenAndReadBack_KeepsPixelsCrsAndGeoTransform()
    {
        using var temp = new TempDirectory();
        var window = new PixelWindow(Column: 101, Row: 57, Width: 64, Height: 48);
        using var source = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        var original = new byte[source.BandCount][];
        GeoTransform expected = source.GeoTransform!.Value.ForWindow(window.Column, window.Row);

        string path = temp.File("window.tif");
        using (var copy = GdalDataset.Create("GTiff", path, window.Width, window.Height, source.BandCount, RasterDataType.Byte, ["COMPRESS=DEFLATE"]))
        {
            copy.ProjectionWkt = source.ProjectionWkt;
            copy.SetGeoTransform(expected);
            for (int b = 1; b <= source.BandCount; b++)
            {
                original[b - 1] = new byte[window.Area];
                source.Read<byte>(b, window, original[b - 1]);
                copy.Write<byte>(b, new PixelWindow(0, 0, window.Width, window.Height), original[b - 1]);
            }
        }

        using var reopened = GdalDataset.Open(path);
        Assert.Equal(source.ProjectionWkt, reopened.ProjectionWkt);
        Assert.Equal(expected, reopened.GeoTransform);
        for (int b = 1; b <= source.BandCount; b++)
        {
            var back = new byte[window.Area];
            reopened.Read<byte>(b, new PixelWindow(0, 0, window.Width, window.Height), back);
            Assert.Equal(original[b - 1], back);
        }

        Assert.Contains(original[0], v => v != original[0][0]); // a real image window, not a constant
    }

    [Fact]
    public void Read_AsFloat_ConvertsFromByte()
    {
        using var ds = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        var window = new PixelWindow(10, 10, 5, 5);
        var bytes = new byte[25];
        var floats = new float[25];
        ds.Read<byte>(3, window, bytes);
        ds.Read<float>(3, window, floats);
        Assert.Equal(bytes.Select(b => (float)b), floats);
    }

    [Fact]
    public void Open_TruncatedTiff_ThrowsGdalExceptionNamingFile()
    {
        using var temp = new TempDirectory();
        string truncated = temp.File("truncated.tif");
        byte[] all = File.ReadAllBytes(TestPaths.SampleData("L7_ETMs.tif"));
        File.WriteAllBytes(truncated, all[..4000]);

        var e = Assert.ThrowsAny<Exception>(() =>
        {
            using var ds = GdalDataset.Open(truncated);
            var buffer = new byte[ds.Width * ds.Height];
            ds.Read<byte>(1, new PixelWindow(0, 0, ds.Width, ds.Height), buffer);
        });
        Assert.IsType<GdalException>(e);
        Assert.Contains("truncated.tif", e.Message);
        Assert.Contains("GDAL said", e.Message);
    }

    [Fact]
    public void Open_MissingFile_SaysFileDoesNotExist()
    {
        var e = Assert.Throws<FileNotFoundException>(() => GdalDataset.Open("/nonexistent/scene.tif"));
        Assert.Contains("/nonexistent/scene.tif", e.Message);
    }

    [Fact]
    public void Warp_ToGeographic_KeepsSizeNonZeroAndSetsCrs()
    {
        using var temp = new TempDirectory();
        using var source = GdalDataset.Open(TestPaths.SampleData("L7_ETMs_labels.tif"));
        using var warped = GdalWarp.Run([source], temp.File("wgs84.tif"), ["-t_srs", "EPSG:4326", "-r", "near", "-ovr", "NONE", "-of", "GTiff"]);
        Assert.Contains("4326", warped.ProjectionWkt);
        Assert.True(warped.Width > 0 && warped.Height > 0);
    }

    [Fact]
    public void Load_NoGdalUnderAnyName_MessageNamesPackageAndOverride()
    {
        var e = Assert.Throws<GdalNotFoundException>(() => GdalLibraryResolver.Load(["libgdal-absent.so.99", "libgdal-absent.so.98"]));
        Assert.Contains("apt-get install -y libgdal32", e.Message);
        Assert.Contains(GdalLibraryResolver.OverrideVariable, e.Message);
        Assert.Contains("libgdal-absent.so.99", e.Message);
        Assert.Equal(["libgdal-absent.so.99", "libgdal-absent.so.98"], e.Tried);
    }
}
