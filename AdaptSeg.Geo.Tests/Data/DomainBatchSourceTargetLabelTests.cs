using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Tests.Data;

/// <summary>Target pseudo-labels in training batches, on a synthetic scene whose label is a function of the pixel.</summary>
public sealed class DomainBatchSourceTargetLabelTests : IDisposable
{
    private const int Width = 90, Height = 70;
    private readonly TempDirectory temp = new();
    private readonly PreparedDataset dataset;

    public DomainBatchSourceTargetLabelTests()
    {
        // Image value x + 1000 y (so each pixel tells where it came from); label f(x, y), ignored on every 11th column.
        string image = temp.File("image.tif"), labels = temp.File("labels.tif");
        using (GdalDataset ds = GdalDataset.Create("GTiff", image, Width, Height, 1, RasterDataType.Float32))
        {
            ds.Write<float>(1, new PixelWindow(0, 0, Width, Height), Enumerable.Range(0, Width * Height).Select(i => (float)(i % Width + 1000 * (i / Width))).ToArray());
        }

        using (GdalDataset ds = GdalDataset.Create("GTiff", labels, Width, Height, 1, RasterDataType.Byte))
        {
            ds.Write<byte>(1, new PixelWindow(0, 0, Width, Height), Enumerable.Range(0, Width * Height).Select(i => Label(i % Width, i / Width)).ToArray());
        }

        var statistics = new BandStatistics([0.0], [1.0]);
        var scene = new PreparedScene("scene", image, labels, Width, Height);
        dataset = new PreparedDataset(temp.Path, ["a", "b", "c"], 1,
            new PreparedDomain("source", [scene], statistics),
            new PreparedDomain("target", [scene with { LabelPath = null, TrainingLabelPath = labels }], statistics) { LabelsForEvaluationOnly = true },
            "", 10);
    }

    private static byte Label(int x, int y) => x % 11 == 0 ? (byte)255 : (byte)((7 * x + 3 * y) % 3);

    [Fact]
    public void Load_IncludeTargetLabels_LabelsFollowTheirPixelsThroughWindowsAndAugmentation()
    {
        var options = new DomainBatchOptions { TileSize = 32, BatchSize = 3, IterSize = 2, Seed = 11 };
        var withLabels = new DomainBatchSource(dataset, options with { IncludeTargetLabels = true });
        var without = new DomainBatchSource(dataset, options);
        const int plane = 32 * 32;
        var orientations = new HashSet<(int, int)>();
        for (int iteration = 0; iteration < 6; iteration++)
        {
            IReadOnlyList<BatchData> batches = withLabels.Load(iteration);
            IReadOnlyList<BatchData> plain = without.Load(iteration);
            for (int k = 0; k < batches.Count; k++)
            {
                BatchData batch = batches[k];
                batch.Validate();
                Assert.Null(plain[k].TargetLabels);
                Assert.Equal(plain[k].TargetImages, batch.TargetImages); // the same target windows with or without labels
                byte[] labels = batch.TargetLabels!;
                for (int b = 0; b < batch.Batch; b++)
                {
                    for (int i = 0; i < plane; i++)
                    {
                        int v = (int)batch.TargetImages[b * plane + i];
                        Assert.Equal(Label(v % 1000, v / 1000), labels[b * plane + i]);
                    }

                    // Where the tile's right neighbour of pixel 0 came from tells the orientation.
                    int p0 = (int)batch.TargetImages[b * plane], p1 = (int)batch.TargetImages[b * plane + 1];
                    orientations.Add((p1 % 1000 - p0 % 1000, p1 / 1000 - p0 / 1000));
                }
            }
        }

        Assert.True(orientations.Count >= 3, $"rotations and flips were drawn: {string.Join(" ", orientations)}");
    }

    [Fact]
    public void Constructor_IncludeTargetLabelsWithoutTrainingLabels_NamesSceneAndFix()
    {
        PreparedDataset plain = dataset with { Target = dataset.Target with { Scenes = [dataset.Target.Scenes[0] with { TrainingLabelPath = null }] } };

        var error = Assert.Throws<PreparedDatasetException>(() => new DomainBatchSource(plain, new DomainBatchOptions { IncludeTargetLabels = true }));

        Assert.Contains("'scene'", error.Message);
        Assert.Contains("trainingLabels", error.Message);
    }

    public void Dispose() => temp.Dispose();
}
