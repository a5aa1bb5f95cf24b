using AdaptSeg.Geo.Data;

namespace AdaptSeg.Geo.Tests.Data;

public sealed class DomainBatchSourceTests(PreparedSampleFixture prepared) : IClassFixture<PreparedSampleFixture>
{
    [Fact]
    public async Task Load_SameIteration_SameDataFromAnyThread_OtherIterationDiffers()
    {
        var source = new DomainBatchSource(prepared.Dataset, new DomainBatchOptions { TileSize = 64, BatchSize = 2, Seed = 5 });
        var first = source.Load(7)[0];
        var again = (await Task.Run(() => source.Load(7)))[0];
        var other = source.Load(8)[0];
        Assert.Equal(first.SourceImages, again.SourceImages);
        Assert.Equal(first.SourceLabels, again.SourceLabels);
        Assert.Equal(first.TargetImages, again.TargetImages);
        Assert.NotEqual(first.SourceImages, other.SourceImages);

        // Normalised values, labels within the classes or ignore, and enough labelled pixels per tile.
        Assert.All(first.SourceImages, v => Assert.True(float.IsFinite(v) && Math.Abs(v) < 20));
        Assert.All(first.SourceLabels, l => Assert.True(l < 3 || l == 255));
        Assert.True(first.SourceLabels.Take(64 * 64).Count(l => l != 255) >= 0.5 * 64 * 64);
        first.Validate();
    }

    [Fact]
    public void Augment_FourRotations_GiveTheTileBack()
    {
        const int tile = 5, bands = 2;
        float[] image = Enumerable.Range(0, bands * tile * tile).Select(i => (float)i).ToArray();
        byte[] labels = Enumerable.Range(0, tile * tile).Select(i => (byte)i).ToArray();
        var rotated = new float[image.Length];
        var rotatedLabels = new byte[labels.Length];
        DomainBatchSource.Augment(image, labels, bands, tile, 1, false, rotated, rotatedLabels);
        Assert.NotEqual(image, rotated);
        for (int r = 1; r < 4; r++)
        {
            var next = new float[image.Length];
            var nextLabels = new byte[labels.Length];
            DomainBatchSource.Augment(rotated, rotatedLabels, bands, tile, 1, false, next, nextLabels);
            (rotated, rotatedLabels) = (next, nextLabels);
        }

        Assert.Equal(image, rotated);
        Assert.Equal(labels, rotatedLabels);
    }

    [Fact]
    public void Augment_RotationAndFlip_MoveImageAndLabelsTogether()
    {
        const int tile = 4, bands = 3;
        // Every band and the label hold the same pixel index, so they must stay equal after any move.
        float[] image = Enumerable.Range(0, bands * tile * tile).Select(i => (float)(i % (tile * tile))).ToArray();
        byte[] labels = Enumerable.Range(0, tile * tile).Select(i => (byte)i).ToArray();
        for (int rotations = 0; rotations < 4; rotations++)
        {
            foreach (bool flip in new[] { false, true })
            {
                var outImage = new float[image.Length];
                var outLabels = new byte[labels.Length];
                DomainBatchSource.Augment(image, labels, bands, tile, rotations, flip, outImage, outLabels);
                for (int c = 0; c < bands; c++)
                {
                    Assert.Equal(outLabels.Select(l => (float)l), outImage.Skip(c * tile * tile).Take(tile * tile));
                }

                Assert.Equal(labels.Order(), outLabels.Order()); // a permutation
            }
        }
    }
}
