using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class LoveDaBatchSourceTests
{
    [Fact]
    public void Load_SameIterationTwice_GivesTheSameBatch()
    {
        using var temp = new TempDirectory();
        var source = Make(temp, out var target);

        BatchData a = source.Load(5)[0], b = source.Load(5)[0], c = source.Load(6)[0];

        Assert.Equal(a.SourceImages, b.SourceImages);
        Assert.Equal(a.SourceLabels, b.SourceLabels);
        Assert.Equal(a.TargetImages, b.TargetImages);
        Assert.NotEqual(a.SourceImages, c.SourceImages);
    }

    [Fact]
    public void Load_CropsAndAugmentations_KeepImageAndLabelTogether()
    {
        using var temp = new TempDirectory();
        var source = Make(temp, out _);
        float reciprocal = 1f / 58.395f;

        for (int iteration = 0; iteration < 12; iteration++)
        {
            BatchData batch = source.Load(iteration)[0];
            int plane = batch.SourceHeight * batch.SourceWidth;
            for (int b = 0; b < batch.Batch; b++)
            {
                for (int i = 0; i < plane; i++)
                {
                    // The red channel is 30 x the mask value in every synthetic image (0 = no-data -> 255).
                    byte label = batch.SourceLabels[(b * plane) + i];
                    int mask = label == 255 ? 0 : label + 1;
                    Assert.Equal((30 * mask - 123.675f) * reciprocal, batch.SourceImages[(b * 3 * plane) + i]);
                }
            }
        }
    }

    [Fact]
    public void ImageIndex_OneEpoch_VisitsEveryImageAtMostOnceDroppingTheLastPartialBatch()
    {
        using var temp = new TempDirectory();
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Train, LoveDaDomain.Rural, count: 7, size: 8);
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, count: 7, size: 8, masks: false);
        var source = new LoveDaBatchSource(
            new LoveDaDataset(temp.Path, LoveDaSplit.Train, LoveDaDomain.Rural, true), new LoveDaDataset(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, false),
            batchSize: 2, iterSize: 1, seed: 3, cropSize: 8);

        // 7 images in batches of 2: 3 batches an epoch, one image left out each epoch.
        int[] epoch0 = [.. Enumerable.Range(0, 3).SelectMany(batch => new[] { source.ImageIndex(7, batch, 0, 0), source.ImageIndex(7, batch, 1, 0) })];
        int[] epoch1 = [.. Enumerable.Range(3, 3).SelectMany(batch => new[] { source.ImageIndex(7, batch, 0, 0), source.ImageIndex(7, batch, 1, 0) })];

        Assert.Equal(6, epoch0.Distinct().Count());
        Assert.Equal(6, epoch1.Distinct().Count());
        Assert.NotEqual(epoch0, epoch1);
    }

    [Theory]
    [InlineData(0, 0, new byte[] { 2, 1, 4, 3 })]   // horizontal flip
    [InlineData(1, 0, new byte[] { 3, 4, 1, 2 })]   // vertical flip
    [InlineData(2, 1, new byte[] { 2, 4, 1, 3 })]   // numpy rot90, k = 1 (counter-clockwise)
    [InlineData(2, 2, new byte[] { 4, 3, 2, 1 })]
    [InlineData(2, 3, new byte[] { 3, 1, 4, 2 })]
    public void Transform_TwoByTwo_MatchesAlbumentations(int choice, int quarterTurns, byte[] expected)
    {
        byte[] values = [1, 2, 3, 4]; // [[1, 2], [3, 4]]

        LoveDaBatchSource.Transform(values, 1, 2, choice, quarterTurns);

        Assert.Equal(expected, values);
    }

    [Fact]
    public void Create_FewerImagesThanABatch_ThrowsNamingTheFolder()
    {
        using var temp = new TempDirectory();
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Train, LoveDaDomain.Rural, count: 2, size: 8);
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, count: 4, size: 8, masks: false);

        var e = Assert.Throws<LoveDaDataException>(() => new LoveDaBatchSource(
            new LoveDaDataset(temp.Path, LoveDaSplit.Train, LoveDaDomain.Rural, true), new LoveDaDataset(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, false),
            batchSize: 3, iterSize: 1, seed: 1, cropSize: 8));

        Assert.Contains(Path.Combine("Train", "Rural"), e.Message);
        Assert.Contains("batchSize", e.Message);
    }

    private static LoveDaBatchSource Make(TempDirectory temp, out LoveDaDataset target)
    {
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Train, LoveDaDomain.Rural, count: 5, size: 24);
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, count: 4, size: 24, masks: false);
        target = new LoveDaDataset(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, requireMasks: false);
        return new LoveDaBatchSource(new LoveDaDataset(temp.Path, LoveDaSplit.Train, LoveDaDomain.Rural, true), target, batchSize: 2, iterSize: 1, seed: 11, cropSize: 16);
    }
}
