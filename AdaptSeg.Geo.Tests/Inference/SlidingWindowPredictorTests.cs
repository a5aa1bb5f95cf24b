using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Tests.Inference;

[Collection(GdalSerialCollection.Name)]
public sealed class SlidingWindowPredictorTests
{
    // CBERS labels: 875x1009 with 9392 nodata (255) pixels.
    private static readonly string Labels = TestPaths.SampleData("cbers_rgb342_crop1_labels.tif");

    [Theory]
    [InlineData(64, 32, BlendMode.Hann)]
    [InlineData(100, 50, BlendMode.Hann)]
    [InlineData(96, 17, BlendMode.Hann)]
    [InlineData(128, 0, BlendMode.CenterCrop)]
    [InlineData(96, 17, BlendMode.CenterCrop)]
    [InlineData(900, 100, BlendMode.Hann)] // wider than the raster (875), not as high (1009)
    [InlineData(1024, 512, BlendMode.Hann)] // one padded tile
    public void Run_OneHotFromLabels_ReproducesLabelRasterExactly(int tile, int overlap, BlendMode blend)
    {
        using var input = GdalDataset.Open(Labels);
        byte[] expected = ReadAll(input);
        var predictor = new OneHotBandPredictor(3);
        var stitcher = new SlidingWindowPredictor(input, [1], predictor, new StitchOptions { TileSize = tile, Overlap = overlap, Blend = blend, BatchSize = 3 });
        var sink = new CapturingSink(input.Width, input.Height, 3);

        stitcher.Run(sink);

        Assert.Equal(input.Height, sink.NextRow);
        Assert.Equal(expected, sink.Classes);
        Assert.Contains(expected, v => v == 255); // the nodata pixels came through as nodata
        Assert.Equal(stitcher.TileCount, predictor.TilesPredicted);
    }

    [Theory]
    [InlineData(5, 3, 8, 4)]
    [InlineData(1, 1, 4, 2)]
    [InlineData(37, 23, 8, 3)]
    [InlineData(40, 9, 8, 0)]
    public void Run_SmallSyntheticRasters_ReproducesLabels(int width, int height, int tile, int overlap)
    {
        using var temp = new TempDirectory();
        var labels = new byte[width * height];
        var random = new Random(width * 31 + height);
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = (byte)random.Next(4);
        }

        using var input = GdalDataset.Create("GTiff", temp.File("labels.tif"), width, height, 1, RasterDataType.Byte);
        input.Write<byte>(1, new PixelWindow(0, 0, width, height), labels);
        var sink = new CapturingSink(width, height, 4);

        new SlidingWindowPredictor(input, [1], new OneHotBandPredictor(4), new StitchOptions { TileSize = tile, Overlap = overlap }).Run(sink);

        Assert.Equal(labels, sink.Classes);
    }

    [Theory]
    [InlineData(BlendMode.Hann, 48, 24)]
    [InlineData(BlendMode.CenterCrop, 40, 10)]
    public void Run_SoftProbabilities_BlendDividedByWeightSumGivesThemBack(BlendMode blend, int tile, int overlap)
    {
        // A position-independent soft predictor: every tile says the same for a pixel, so the
        // weighted blend divided by the weight sum must return exactly that, seams or not.
        using var input = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        var sink = new CapturingSink(input.Width, input.Height, 2);
        new SlidingWindowPredictor(input, [4], new SoftPredictor(), new StitchOptions { TileSize = tile, Overlap = overlap, Blend = blend }).Run(sink);

        var band = new float[input.Width * input.Height];
        input.Read<float>(4, new PixelWindow(0, 0, input.Width, input.Height), band);
        int plane = band.Length;
        for (int p = 0; p < plane; p++)
        {
            float expected = band[p] / 255f;
            Assert.Equal(expected, sink.Probabilities[plane + p], 4);
            Assert.Equal(1 - expected, sink.Probabilities[p], 4);
            Assert.Equal(expected > 1 - expected ? 1 : 0, sink.Classes[p]);
        }
    }

    [Fact]
    public void Run_AllInvalidTiles_SkippedAndWrittenAsNoData()
    {
        using var temp = new TempDirectory();
        const int width = 64, height = 40;
        var values = new byte[width * height];
        Array.Fill(values, (byte)9);
        values.AsSpan(0, width * 8).Fill(1); // only the top 8 rows are valid
        using var input = GdalDataset.Create("GTiff", temp.File("sparse.tif"), width, height, 1, RasterDataType.Byte);
        input.SetNoData(1, 9);
        input.Write<byte>(1, new PixelWindow(0, 0, width, height), values);
        var predictor = new OneHotBandPredictor(2);
        var stitcher = new SlidingWindowPredictor(input, [1], predictor, new StitchOptions { TileSize = 16, Overlap = 8 });
        var sink = new CapturingSink(width, height, 2);

        stitcher.Run(sink);

        Assert.All(sink.Classes[..(width * 8)], v => Assert.Equal(1, v));
        Assert.All(sink.Classes[(width * 8)..], v => Assert.Equal(255, v));
        Assert.True(predictor.TilesPredicted < stitcher.TileCount, "tiles holding only nodata are not predicted");
    }

    [Fact]
    public void Run_MultiBandNoData_PixelInvalidWhenAnyBandIsNoData()
    {
        using var temp = new TempDirectory();
        using var input = GdalDataset.Create("GTiff", temp.File("two.tif"), 10, 10, 2, RasterDataType.Float32);
        input.SetNoData(2, -1);
        var b1 = new float[100];
        var b2 = new float[100];
        b2[37] = -1;
        b1[55] = float.NaN;
        input.Write<float>(1, new PixelWindow(0, 0, 10, 10), b1);
        input.Write<float>(2, new PixelWindow(0, 0, 10, 10), b2);
        var sink = new CapturingSink(10, 10, 2);

        new SlidingWindowPredictor(input, [1, 2], new OneHotBandPredictor(2, bandCount: 2), new StitchOptions { TileSize = 4, Overlap = 2 }).Run(sink);

        Assert.Equal(255, sink.Classes[37]);
        Assert.Equal(255, sink.Classes[55]);
        Assert.Equal(98, sink.Classes.Count(v => v == 0));
    }

    [Fact]
    public void Constructor_BandListDoesNotMatchModel_ThrowsNamingBoth()
    {
        using var input = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        var e = Assert.Throws<ArgumentException>(() => new SlidingWindowPredictor(input, [1, 2], new OneHotBandPredictor(3, 3), new StitchOptions()));
        Assert.Contains("3 band(s)", e.Message);
        Assert.Contains("1,2", e.Message);
    }

    [Fact]
    public void Run_Cancelled_ThrowsOperationCanceled()
    {
        using var input = GdalDataset.Open(Labels);
        using var cancel = new CancellationTokenSource();
        var stitcher = new SlidingWindowPredictor(input, [1], new OneHotBandPredictor(3), new StitchOptions { TileSize = 32, Overlap = 16, BatchSize = 1 });
        var progress = new SynchronousProgress<StitchProgress>(p =>
        {
            if (p.TilesDone >= 3)
            {
                cancel.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => stitcher.Run(new CapturingSink(input.Width, input.Height, 3), progress, cancel.Token));
    }

    private static byte[] ReadAll(GdalDataset ds)
    {
        var all = new byte[ds.Width * ds.Height];
        ds.Read<byte>(1, new PixelWindow(0, 0, ds.Width, ds.Height), all);
        return all;
    }

    private sealed class SoftPredictor : ITilePredictor
    {
        public int ClassCount => 2;

        public int BandCount => 1;

        public void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities)
        {
            int plane = height * width;
            for (int b = 0; b < batch; b++)
            {
                for (int p = 0; p < plane; p++)
                {
                    float v = input[b * plane + p] / 255f;
                    probabilities[(b * 2) * plane + p] = 1 - v;
                    probabilities[(b * 2 + 1) * plane + p] = v;
                }
            }
        }
    }
}
