using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Tests.Tiling;

public sealed class TileGridTests
{
    [Fact]
    public void Starts_LengthFitsStride_ConstantStrideEndingOnEdge()
    {
        Assert.Equal([0, 2, 4, 6], TileGrid.Starts(10, 4, 2));
    }

    [Fact]
    public void Windows_ImageNotMultipleOfStride_LastWindowClampedToEdge()
    {
        int[] starts = TileGrid.Starts(11, 4, 2);
        Assert.Equal([0, 2, 4, 6, 7], starts);
        IReadOnlyList<PixelWindow> windows = TileGrid.Windows(11, 5, 4, 2);
        Assert.Equal(new PixelWindow(7, 1, 4, 4), windows[^1]);
    }

    [Fact]
    public void Windows_RasterSmallerThanTile_OneWindowOfRasterSize()
    {
        Assert.Equal([new PixelWindow(0, 0, 5, 3)], TileGrid.Windows(5, 3, 8, 4));
    }

    [Fact]
    public void Windows_OneAxisSmallerThanTile_OneRowOfTiles()
    {
        IReadOnlyList<PixelWindow> windows = TileGrid.Windows(20, 3, 8, 0);
        Assert.Equal([0, 8, 12], windows.Select(w => w.Column));
        Assert.All(windows, w => Assert.Equal((0, 8, 3), (w.Row, w.Width, w.Height)));
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(512, 512, 256)]
    [InlineData(513, 512, 256)]
    [InlineData(1000, 256, 0)]
    [InlineData(1000, 256, 255)]
    [InlineData(20000, 512, 256)]
    [InlineData(349, 64, 17)]
    public void Starts_AnyLength_CoverEveryPixelInsideWithConstantStride(int length, int tile, int overlap)
    {
        int[] starts = TileGrid.Starts(length, tile, overlap);
        int extent = TileGrid.Extent(length, tile);
        var covered = new bool[length];
        foreach (int s in starts)
        {
            Assert.InRange(s, 0, length - extent);
            Array.Fill(covered, true, s, extent);
        }

        Assert.All(covered, Assert.True);
        Assert.Equal(length, starts[^1] + extent);
        for (int i = 1; i < starts.Length - 1; i++)
        {
            Assert.Equal(tile - overlap, starts[i] - starts[i - 1]);
        }

        Assert.True(starts.Length == 1 || starts[^1] > starts[^2], "starts strictly increase");
    }

    [Theory]
    [InlineData(10, 0, 0)]
    [InlineData(10, 4, 4)]
    [InlineData(10, 4, -1)]
    [InlineData(0, 4, 1)]
    public void Validate_BadParameters_Throws(int length, int tile, int overlap)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TileGrid.Starts(length, tile, overlap));
    }
}
