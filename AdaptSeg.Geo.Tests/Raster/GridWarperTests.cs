using System.Diagnostics;
using System.Text.Json;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Raster;

public sealed class GridWarperTests
{
    private static readonly string Landsat = TestPaths.SampleData("L7_ETMs.tif");
    private static readonly string LandsatLabels = TestPaths.SampleData("L7_ETMs_labels.tif");

    [Fact]
    public void WarpImage_OtherUtmZone_HasGridCrsPixelSizeAlignmentAndNaNNoData()
    {
        using var temp = new TempDirectory();
        using var utm24 = SpatialReference.FromUserInput("EPSG:32724");
        var grid = new OutputGrid(utm24.Wkt, 30);
        GridFrame frame = GridWarper.WarpImage(Landsat, BandMap.Parse("3,4,2"), grid, temp.File("image.tif"));

        using GdalDataset ds = GdalDataset.Open(temp.File("image.tif"));
        using var crs = SpatialReference.FromWkt(ds.ProjectionWkt);
        Assert.Equal(32724, crs.EpsgCode);
        Assert.Equal(3, ds.BandCount);
        Assert.Equal(RasterDataType.Float32, ds.GetDataType(1));
        Assert.True(double.IsNaN(ds.GetNoData(1)!.Value));
        Assert.True(grid.IsAligned(ds.GeoTransform!.Value), $"not aligned: {ds.GeoTransform}");
        Assert.Equal(frame, GridFrame.Of(ds));
        Assert.Equal((256, 256), ds.GetBlockSize(1)); // tiled
    }

    [Fact]
    public void WarpImage_SameCrs_ChannelsFollowBandMap()
    {
        using var temp = new TempDirectory();
        using var source = GdalDataset.Open(Landsat);
        var grid = new OutputGrid(source.ProjectionWkt, 28.5);
        GridWarper.WarpImage(Landsat, BandMap.Parse("4,2"), grid, temp.File("image.tif"));

        double MeanOf(string path, int band) => TestRasters.ReadAll<float>(path, band).Where(v => !float.IsNaN(v)).Average(v => v);
        Assert.Equal(MeanOf(Landsat, 4), MeanOf(temp.File("image.tif"), 1), 0.5);
        Assert.Equal(MeanOf(Landsat, 2), MeanOf(temp.File("image.tif"), 2), 0.5);
    }

    [Theory]
    [InlineData("EPSG:32724", 28.5)] // another UTM zone, same pixel size: nearest
    [InlineData("EPSG:4326", 0.0005)] // geographic, about 55 m: mode
    public void WarpLabels_ToOtherCrsAndBack_HoldOnlyValidClassValues(string crs, double pixelSize)
    {
        using var temp = new TempDirectory();
        using var other = SpatialReference.FromUserInput(crs);
        using var original = GdalDataset.Open(LandsatLabels);
        GridFrame there = GridWarper.WarpImage(Landsat, BandMap.Parse("1"), new OutputGrid(other.Wkt, pixelSize), temp.File("there-image.tif"));
        GridWarper.WarpLabels(LandsatLabels, there, temp.File("there.tif"));
        GridFrame back = GridFrame.Of(original);
        GridWarper.WarpLabels(temp.File("there.tif"), back, temp.File("back.tif"));

        byte[] thereValues = TestRasters.ReadAll<byte>(temp.File("there.tif"));
        byte[] backValues = TestRasters.ReadAll<byte>(temp.File("back.tif"));
        byte[] originalValues = TestRasters.ReadAll<byte>(LandsatLabels);
        static int Invalid(byte[] v) => v.Count(x => x > 2 && x != 255);
        Assert.Equal(0, Invalid(thereValues));
        Assert.Equal(0, Invalid(backValues));
        Assert.Equal(originalValues.Length, backValues.Length);
        Assert.Contains(backValues, v => v == 0);
        Assert.Contains(backValues, v => v == 1);
        Assert.Contains(backValues, v => v == 2);
        double agreement = originalValues.Zip(backValues).Count(p => p.First == p.Second) / (double)originalValues.Length;
        Assert.True(agreement > (pixelSize < 1 ? 0.75 : 0.9), $"only {agreement:P1} of the pixels came back unchanged");
        using GdalDataset backDs = GdalDataset.Open(temp.File("back.tif"));
        Assert.Equal(original.GeoTransform, backDs.GeoTransform);
        Assert.Equal(255, backDs.GetNoData(1));
    }

    [Theory]
    [InlineData(1.0, "bilinear", "near")]
    [InlineData(1.9, "bilinear", "mode")]
    [InlineData(2.5, "average", "mode")]
    [InlineData(0.5, "bilinear", "near")]
    public void ResamplingRules_ByScale(double scale, string imagery, string labels)
    {
        Assert.Equal(imagery, ResamplingRules.ForImagery(scale));
        Assert.Equal(labels, ResamplingRules.ForLabels(scale));
    }

    [Fact]
    public void PixelSizeIn_GeographicGrid_EstimatesDegrees()
    {
        using var ds = GdalDataset.Open(Landsat);
        using var wgs = SpatialReference.FromUserInput("EPSG:4326");
        using var utm24 = SpatialReference.FromUserInput("EPSG:32724");
        Assert.Equal(28.5, GridWarper.PixelSizeIn(ds, utm24), 1e-6);
        Assert.InRange(GridWarper.PixelSizeIn(ds, wgs), 28.5 / 111_320 * 0.95, 28.5 / 110_000 * 1.05);
    }

    [Fact]
    public void WarpImage_NoCrs_ThrowsNamingFileAndAssumeCrs_AndAssumeCrsFixesIt()
    {
        using var temp = new TempDirectory();
        TestRasters.Copy(Landsat, temp.File("nocrs.tif"), keepCrs: false);
        using var utm = SpatialReference.FromUserInput("EPSG:31985");
        var grid = new OutputGrid(utm.Wkt, 28.5);
        var e = Assert.Throws<GdalException>(() => GridWarper.WarpImage(temp.File("nocrs.tif"), BandMap.Parse("1"), grid, temp.File("out.tif")));
        Assert.Contains("nocrs.tif", e.Message);
        Assert.Contains("PrepareConfig.AssumeCrs", e.Message);
        Assert.False(File.Exists(temp.File("out.tif")));

        GridWarper.WarpImage(temp.File("nocrs.tif"), BandMap.Parse("1"), grid, temp.File("out.tif"), assumeCrs: "EPSG:31985");
        Assert.True(File.Exists(temp.File("out.tif")));
    }

    [Fact]
    public void WarpImage_TruncatedTiff_ThrowsGdalExceptionNamingFile()
    {
        using var temp = new TempDirectory();
        TestRasters.Truncate(Landsat, temp.File("truncated.tif"), 60_000);
        using var utm = SpatialReference.FromUserInput("EPSG:31985");
        var e = Assert.ThrowsAny<Exception>(() => GridWarper.WarpImage(temp.File("truncated.tif"), BandMap.Parse("1"), new OutputGrid(utm.Wkt, 28.5), temp.File("out.tif")));
        Assert.IsType<GdalException>(e);
        Assert.Contains("truncated.tif", e.Message);
    }

    [Fact]
    public void WarpImage_Cancelled_ThrowsOperationCanceled()
    {
        using var temp = new TempDirectory();
        using var cts = new CancellationTokenSource();
        using var utm = SpatialReference.FromUserInput("EPSG:32724");
        var progress = new CancelOnFirstReport(cts);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            GridWarper.WarpImage(Landsat, BandMap.Parse("1,2,3"), new OutputGrid(utm.Wkt, 5), temp.File("out.tif"), null, progress, cts.Token));
        Assert.True(progress.Reports > 0);
    }

    /// <summary>Acceptance: gdalinfo (when installed) agrees on CRS, pixel size and alignment. Needs gdal-bin.</summary>
    [GdalInfoFact]
    public void WarpImage_GdalInfoAgreesOnCrsPixelSizeAndAlignment()
    {
        using var temp = new TempDirectory();
        using var utm24 = SpatialReference.FromUserInput("EPSG:32724");
        GridWarper.WarpImage(Landsat, BandMap.Parse("3,4,2"), new OutputGrid(utm24.Wkt, 30), temp.File("image.tif"));
        using var process = Process.Start(new ProcessStartInfo("gdalinfo", ["-json", temp.File("image.tif")]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        using JsonDocument info = JsonDocument.Parse(json);
        double[] gt = info.RootElement.GetProperty("geoTransform").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(30, gt[1]);
        Assert.Equal(-30, gt[5]);
        Assert.Equal(0, gt[0] % 30, 1e-6);
        Assert.Equal(0, gt[3] % 30, 1e-6);
        Assert.Contains("ID[\"EPSG\",32724]", info.RootElement.GetProperty("coordinateSystem").GetProperty("wkt").GetString());
    }

    private sealed class CancelOnFirstReport(CancellationTokenSource cts) : IProgress<double>
    {
        public int Reports { get; private set; }

        public void Report(double value)
        {
            Reports++;
            cts.Cancel();
        }
    }
}
