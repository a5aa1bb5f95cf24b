using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Tests.Inference;

/// <summary>Shards and failures of the three-stage sliding-window pipeline.</summary>
[Collection(GdalSerialCollection.Name)]
public sealed class SlidingWindowShardTests
{
    // CBERS labels: 875x1009 with nodata.
    private static readonly string Labels = TestPaths.SampleData("cbers_rgb342_crop1_labels.tif");

    [Theory]
    [InlineData(128, 64, BlendMode.Hann, 3, 2)]
    [InlineData(128, 64, BlendMode.Hann, 4, 15)]
    [InlineData(96, 17, BlendMode.CenterCrop, 5, 7)]
    [InlineData(300, 77, BlendMode.Hann, 1, 3)]
    public void Run_EveryShard_WritesExactlyItsRowsOfTheWholeRun(int tile, int overlap, BlendMode blend, int batch, int count)
    {
        using var input = GdalDataset.Open(Labels);
        var options = new StitchOptions { TileSize = tile, Overlap = overlap, Blend = blend, BatchSize = batch };
        var whole = new CapturingSink(input.Width, input.Height, 3);
        new SlidingWindowPredictor(input, [1], new OneHotBandPredictor(3), options).Run(whole);

        int tiles = 0;
        for (int k = 0; k < count; k++)
        {
            TileShard shard = TileShard.Plan(input.Width, input.Height, options, k, count);
            var predictor = new OneHotBandPredictor(3);
            var stitcher = new SlidingWindowPredictor(input, [1], predictor, options, shard);
            var part = new CapturingSink(input.Width, shard.RowCount, 3);
            var reports = new List<StitchProgress>();
            stitcher.Run(part, new SynchronousProgress<StitchProgress>(reports.Add));

            Assert.Equal(shard.RowCount, part.NextRow);
            Assert.Equal(whole.Classes.AsSpan(shard.FirstRow * input.Width, shard.RowCount * input.Width).ToArray(), part.Classes);
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(whole.Probabilities.AsSpan((c * input.Height + shard.FirstRow) * input.Width, shard.RowCount * input.Width).ToArray(),
                    part.Probabilities.AsSpan(c * shard.RowCount * input.Width, shard.RowCount * input.Width).ToArray());
            }

            Assert.Equal(new StitchProgress(shard.TileCount, shard.TileCount, shard.RowCount, shard.RowCount), reports[^1]);
            tiles += stitcher.TileCount;
        }

        Assert.True(tiles >= TileGrid.Windows(input.Width, input.Height, tile, overlap).Count);
    }

    [Fact]
    public void Run_SinkFailsOnTheBlenderThread_ThrowsTheSinksErrorAndStops()
    {
        using var input = GdalDataset.Open(Labels);
        var predictor = new OneHotBandPredictor(3);
        var stitcher = new SlidingWindowPredictor(input, [1], predictor, new StitchOptions { TileSize = 64, Overlap = 32, BatchSize = 2 });

        var e = Assert.Throws<IOException>(() => stitcher.Run(new FailingSink(afterCalls: 2)));

        Assert.Contains("disk full", e.Message);
        Assert.True(predictor.TilesPredicted < stitcher.TileCount, "the network stops soon after the writer fails");
    }

    [Fact]
    public void Run_PredictorFails_ThrowsItsError()
    {
        using var input = GdalDataset.Open(Labels);
        var stitcher = new SlidingWindowPredictor(input, [1], new FailingPredictor(), new StitchOptions { TileSize = 64, Overlap = 32, BatchSize = 2 });

        var e = Assert.Throws<InvalidOperationException>(() => stitcher.Run(new CapturingSink(input.Width, input.Height, 3)));

        Assert.Contains("out of device memory", e.Message);
    }

    [Fact]
    public void Constructor_ShardNotPlannedForThisRaster_Throws()
    {
        using var input = GdalDataset.Open(Labels);
        var options = new StitchOptions { TileSize = 128, Overlap = 64 };
        TileShard foreign = TileShard.Plan(500, 500, options, 1, 2);
        Assert.Throws<ArgumentException>(() => new SlidingWindowPredictor(input, [1], new OneHotBandPredictor(3), options, foreign));
    }

    private sealed class FailingSink(int afterCalls) : IPredictionSink
    {
        private int calls;

        public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> classes, ReadOnlySpan<float> probabilities)
        {
            if (++calls > afterCalls)
            {
                throw new IOException("disk full while writing rows");
            }
        }
    }

    private sealed class FailingPredictor : ITilePredictor
    {
        private int calls;

        public int ClassCount => 3;

        public int BandCount => 1;

        public void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities)
        {
            if (++calls == 3)
            {
                throw new InvalidOperationException("out of device memory");
            }

            probabilities.Fill(1f / 3);
        }
    }
}
