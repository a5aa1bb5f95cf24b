using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Tiling;

[Collection(GdalSerialCollection.Name)]
public sealed class RandomTileSamplerTests
{
    [Fact]
    public void Sample_SameSeed_SameWindowsAllInsideRaster()
    {
        var a = new RandomTileSampler(300, 200, 64, 0, seed: 7).Sample(50, _ => 1).ToList();
        var b = new RandomTileSampler(300, 200, 64, 0, seed: 7).Sample(50, _ => 1).ToList();
        var c = new RandomTileSampler(300, 200, 64, 0, seed: 8).Sample(50, _ => 1).ToList();

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, w => Assert.True(w.FitsIn(300, 200) && w.Width == 64 && w.Height == 64));
    }

    [Fact]
    public void Sample_ValidFractionThreshold_RejectsMostlyNoDataTiles()
    {
        // Real validity from a raster whose left half is nodata.
        using var temp = new TempDirectory();
        using var ds = GdalDataset.Create("GTiff", temp.File("half.tif"), 128, 64, 1, RasterDataType.Byte);
        ds.SetNoData(1, 0);
        var values = new byte[128 * 64];
        for (int y = 0; y < 64; y++)
        {
            values.AsSpan(y * 128 + 64, 64).Fill(5);
        }

        ds.Write<byte>(1, new PixelWindow(0, 0, 128, 64), values);
        var reader = new TileReader(ds, [1]);

        var windows = new RandomTileSampler(128, 64, 32, 0.75, seed: 1).Sample(40, reader.ValidFraction).ToList();

        Assert.Equal(40, windows.Count);
        Assert.All(windows, w => Assert.True(w.Column >= 64 - 8, $"{w} is more than a quarter nodata"));
    }

    [Fact]
    public void Sample_NoTileQualifies_ThrowsNamingThreshold()
    {
        var sampler = new RandomTileSampler(100, 100, 32, 0.5, seed: 1);
        var e = Assert.Throws<InvalidOperationException>(() => sampler.Sample(3, _ => 0.1, maxAttempts: 20).ToList());
        Assert.Contains("50", e.Message);
    }

    [Fact]
    public void TileReader_WindowSmallerThanTile_PadsByRepeatingEdgesAndMarksPaddingInvalid()
    {
        using var temp = new TempDirectory();
        using var ds = GdalDataset.Create("GTiff", temp.File("tiny.tif"), 2, 2, 1, RasterDataType.Byte);
        ds.Write<byte>(1, new PixelWindow(0, 0, 2, 2), [1, 2, 3, 4]);
        var tile = new float[9];
        var valid = new byte[9];

        int count = new TileReader(ds, [1]).Read(new PixelWindow(0, 0, 2, 2), 3, tile, valid);

        Assert.Equal(4, count);
        Assert.Equal([1f, 2f, 2f, 3f, 4f, 4f, 3f, 4f, 4f], tile);
        Assert.Equal(new byte[] { 1, 1, 0, 1, 1, 0, 0, 0, 0 }, valid);
    }
}
