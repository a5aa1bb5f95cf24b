using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Tests.Data;

/// <summary>FDA in the batch source: on raw values, then normalised with the target's statistics.</summary>
public sealed class DomainBatchSourceFdaTests(PreparedSampleFixture prepared) : IClassFixture<PreparedSampleFixture>
{
    [Fact]
    public void Load_Fda_SourceTakesItsPartnerTargetTilesBandMeansKeepsLabelsAndTargetsUnchanged()
    {
        const int tile = 64;
        var options = new DomainBatchOptions { TileSize = tile, BatchSize = 2, Seed = 11 };
        BatchData plain = new DomainBatchSource(prepared.Dataset, options).Load(3)[0];
        BatchData fda = new DomainBatchSource(prepared.Dataset, options with { FdaBeta = 0.05 }).Load(3)[0];
        Assert.Equal(plain.TargetImages, fda.TargetImages);
        Assert.Equal(plain.SourceLabels, fda.SourceLabels);
        Assert.NotEqual(plain.SourceImages, fda.SourceImages);

        // The (0,0) frequency is among the swapped ones: each restyled source band has the mean of its
        // partner target band, and both are normalised with the target's statistics (nodata filled
        // with the band mean, which normalises to 0, as in the target tile).
        int bands = prepared.Dataset.BandCount, plane = tile * tile;
        for (int item = 0; item < 2; item++)
        {
            for (int c = 0; c < bands; c++)
            {
                int at = (item * bands + c) * plane;
                double source = fda.SourceImages.AsSpan(at, plane).ToArray().Average(v => (double)v);
                double target = fda.TargetImages.AsSpan(at, plane).ToArray().Average(v => (double)v);
                Assert.True(Math.Abs(source - target) < 1e-4, $"item {item} band {c}: restyled source mean {source}, target mean {target}");
            }
        }
    }
}
