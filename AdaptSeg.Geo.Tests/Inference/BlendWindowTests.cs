using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Tests.Inference;

public sealed class BlendWindowTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(512)]
    public void Hann_InnerTile_PositiveSymmetricPeakInCentre(int n)
    {
        float[] w = BlendWindow.Weights(BlendMode.Hann, n, n / 2, atStart: false, atEnd: false);
        Assert.All(w, v => Assert.True(v > 0, "weights are never zero"));
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(w[i], w[n - 1 - i], 5);
        }

        Assert.True(w.Max() >= 0.5f);
        if (n > 16)
        {
            Assert.True(w[0] < 0.01f, "tile edges count little");
        }
    }

    [Fact]
    public void Hann_TileOnRasterBorder_DoesNotTaperTowardsBorder()
    {
        float[] w = BlendWindow.Weights(BlendMode.Hann, 64, 32, atStart: true, atEnd: false);
        Assert.All(w[..32], v => Assert.Equal(1f, v));
        Assert.True(w[^1] < 0.01f);
        float[] both = BlendWindow.Weights(BlendMode.Hann, 64, 32, atStart: true, atEnd: true);
        Assert.All(both, v => Assert.Equal(1f, v));
    }

    [Theory]
    [InlineData(16, 4)]
    [InlineData(16, 5)]
    [InlineData(17, 6)]
    public void CenterCrop_NeighbouringTiles_CentresMeetWithoutGapOrOverlap(int n, int overlap)
    {
        float[] w = BlendWindow.Weights(BlendMode.CenterCrop, n, overlap, false, false);
        int stride = n - overlap;
        // Position p of tile 0 is position p - stride of tile 1: exactly one full weight at each p.
        for (int p = stride; p < n; p++)
        {
            Assert.Equal(1, (w[p] == 1f ? 1 : 0) + (w[p - stride] == 1f ? 1 : 0));
        }

        Assert.All(w, v => Assert.True(v > 0));
    }
}
