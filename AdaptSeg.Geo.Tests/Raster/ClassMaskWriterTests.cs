using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Tiling;

namespace AdaptSeg.Geo.Tests.Raster;

[Collection(GdalSerialCollection.Name)]
public sealed class ClassMaskWriterTests
{
    private static readonly ClassLegend Legend = ClassLegend.FromNames(["water", "vegetation", "other"]);

    [Theory]
    [InlineData(false, "DEFLATE")]
    [InlineData(true, "ZSTD")]
    public void Commit_Reopened_HasGridNoDataColoursNamesAndAttributeTable(bool cog, string compression)
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        byte[] classes = Pattern(grid.Width, grid.Height);
        string path = temp.File("mask.tif");

        using (var writer = ClassMaskWriter.Create(path, grid, Legend, new MaskOutputOptions { Cog = cog, Compression = compression }))
        {
            writer.WriteRows(0, 100, classes.AsSpan(0, 100 * grid.Width), default);
            writer.WriteRows(100, grid.Height - 100, classes.AsSpan(100 * grid.Width), default);
            Assert.False(File.Exists(path), "the final name appears only when complete");
            writer.Commit();
        }

        Assert.Equal(["mask.tif", "mask.tif.aux.xml"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
        using var mask = PamDataset.Open(path);
        Assert.Equal((grid.Width, grid.Height, 1), (mask.Width, mask.Height, mask.BandCount));
        Assert.Equal(grid.ProjectionWkt, mask.ProjectionWkt);
        Assert.Equal(grid.GeoTransform, mask.GeoTransform);
        Assert.Equal(RasterDataType.Byte, mask.GetDataType(1));
        Assert.Equal(255, mask.GetNoData(1));
        Assert.Equal(compression, RasterLayout.ImageStructure(mask, "COMPRESSION"));
        var back = new byte[classes.Length];
        mask.Read<byte>(1, new PixelWindow(0, 0, mask.Width, mask.Height), back);
        Assert.Equal(classes, back);

        var colours = RasterClassStyle.ReadColorTable(mask, 1);
        Assert.Equal((31, 119, 180, 255), ((int)colours[0].R, (int)colours[0].G, (int)colours[0].B, (int)colours[0].A));
        Assert.Equal(Legend.Entries[2].Red, colours[2].R);
        Assert.Equal(0, colours[255].A);
        Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(mask, 1));
        Assert.Equal("nodata", RasterClassStyle.ReadCategoryNames(mask, 1)[255]);
        using (var plain = GdalDataset.Open(path))
        {
            // Without the sidecar the names still travel inside the TIFF as band metadata.
            Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(plain, 1));
        }

        var (columns, rows) = RasterClassStyle.ReadAttributeTable(mask, 1);
        Assert.Equal(["Value", "Class", "Red", "Green", "Blue"], columns);
        Assert.Equal(["1", "vegetation", "44", "160", "44"], rows[1]);
        if (cog)
        {
            Assert.Equal("COG", RasterLayout.ImageStructure(mask, "LAYOUT"));
        }
    }

    [Fact]
    public void Commit_CogOfLargeMask_HasModeOverviews()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Create("MEM", "", 2048, 1024, 1, RasterDataType.Byte);
        string path = temp.File("cog.tif");
        byte[] classes = Pattern(2048, 1024);
        using (var writer = ClassMaskWriter.Create(path, grid, Legend, new MaskOutputOptions { Cog = true }))
        {
            writer.WriteRows(0, 1024, classes, default);
            writer.Commit();
        }

        using var mask = PamDataset.Open(path);
        Assert.True(RasterLayout.OverviewCount(mask) >= 1);
        Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(mask, 1));
    }

    [Fact]
    public void Dispose_WithoutCommit_LeavesNothingBehind()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        string path = temp.File("mask.tif");
        File.WriteAllText(path, "the user's older file");
        using (var writer = ClassMaskWriter.Create(path, grid, Legend, new MaskOutputOptions { Cog = true }))
        {
            writer.WriteRows(0, 10, new byte[10 * grid.Width], default);
        }

        Assert.Equal(["mask.tif"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
        Assert.Equal("the user's older file", File.ReadAllText(path));
    }

    [Fact]
    public void Create_MissingFolder_ThrowsNamingIt()
    {
        using var grid = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        var e = Assert.Throws<DirectoryNotFoundException>(() => ClassMaskWriter.Create("/nonexistent-adaptseg/mask.tif", grid, Legend));
        Assert.Contains("/nonexistent-adaptseg", e.Message);
    }

    [Fact]
    public void ProbabilityRaster_Percent_BandsNamedAfterClassesNoDataWhereMaskIsNoData()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Create("MEM", "", 4, 2, 1, RasterDataType.Byte);
        string path = temp.File("p.tif");
        byte[] classes = [0, 1, 255, 1, 0, 0, 1, 1];
        // rows x classes x width
        float[] p = [0.9f, 0.2f, 0.5f, 0.4f, /**/ 0.1f, 0.8f, 0.5f, 0.6f, /* row 2 */ 0.7f, 0.544f, 0f, 0.3f, /**/ 0.3f, 0.456f, 1f, 0.7f];
        using (var writer = new ProbabilityRasterWriter(path, grid, ClassLegend.FromNames(["a", "b"]), ProbabilityFormat.Percent))
        {
            writer.WriteRows(0, 2, classes, p);
            writer.Commit();
        }

        using var raster = GdalDataset.Open(path);
        Assert.Equal(2, raster.BandCount);
        Assert.Equal(["a", "b"], new[] { RasterLayout.BandDescription(raster, 1), RasterLayout.BandDescription(raster, 2) });
        var b = new byte[8];
        raster.Read<byte>(2, new PixelWindow(0, 0, 4, 2), b);
        Assert.Equal(new byte[] { 10, 80, 255, 60, 30, 46, 100, 70 }, b);
    }

    private static byte[] Pattern(int width, int height)
    {
        var classes = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                classes[y * width + x] = (x / 7 + y / 5) % 4 is var c && c == 3 ? (byte)255 : (byte)c;
            }
        }

        return classes;
    }
}
