using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Tests.Inference;

[Collection(GdalSerialCollection.Name)]
public sealed class PseudoLabelGenerationTests
{
    private static readonly string[] Names = ["water", "vegetation", "other"];

    private static float Value(int x, int y) =>
        x is >= 10 and < 15 && y is >= 20 and < 25 ? SyntheticScenes.NoData : (x + 2f * y) / 370f + 0.05f * MathF.Sin(x * 0.3f) * MathF.Cos(y * 0.2f);

    [Theory]
    [InlineData(ThresholdMethod.Exact, 1e-6)]
    [InlineData(ThresholdMethod.Histogram, 1e-4)]
    public void Run_PixelwisePredictor_ThresholdsAndLabelsFollowThePerPixelProbabilities(ThresholdMethod method, double tolerance)
    {
        using var temp = new TempDirectory();
        string input = temp.File("target.tif");
        const int width = 150, height = 110;
        SyntheticScenes.Write(input, width, height, 30, Value);
        var options = new PseudoLabelOptions
        {
            Checkpoints = [temp.File("formula")],
            InputPath = input,
            OutputPath = temp.File("pseudo.tif"),
            Stitch = new StitchOptions { TileSize = 64, Overlap = 32, BatchSize = 3 },
            ExactPixelLimit = method == ThresholdMethod.Exact ? width * height : 1000,
        };
        Assert.Throws<FileNotFoundException>(() => PseudoLabelGeneration.Run(options, new BandSoftmaxPredictor(3), Names, null));
        File.WriteAllText(temp.File("formula"), "a stand-in model name recorded in the metadata");

        PseudoLabelResult result = PseudoLabelGeneration.Run(options, new BandSoftmaxPredictor(3), Names, null);

        // The expected thresholds: every valid pixel's own probabilities, sorted per class.
        var classes = new byte[width * height];
        var maxima = new double[width * height];
        Span<float> p = stackalloc float[3];
        for (int i = 0; i < classes.Length; i++)
        {
            float v = Value(i % width, i / width);
            if (v == SyntheticScenes.NoData)
            {
                classes[i] = 255;
                continue;
            }

            BandSoftmaxPredictor.Probabilities(v, p);
            int best = p[1] > p[0] ? (p[2] > p[1] ? 2 : 1) : (p[2] > p[0] ? 2 : 0);
            (classes[i], maxima[i]) = ((byte)best, p[best]);
        }

        double[] expected = ClassBalancedThresholds.Compute(classes, maxima, 3);
        Assert.Equal(method, result.Method);
        for (int c = 0; c < 3; c++)
        {
            Assert.True(Math.Abs(expected[c] - result.Thresholds[c]) <= tolerance, $"class {c}: {result.Thresholds[c]:R} vs {expected[c]:R}");
        }

        Assert.Equal(25, result.NoData);
        Assert.Single(result.Warnings); // no training grid recorded
        byte[] written = TestRasters.ReadAll<byte>(result.OutputPath);
        Assert.Equal(result.Ignored + result.NoData, written.Count(v => v == 255));
        Assert.Equal(255, written[22 * width + 12]);
        // About a third of each class is below its threshold (0.66 of the sorted values lie under it).
        long predicted = result.PredictedPerClass.Sum();
        Assert.InRange((double)result.Ignored / predicted, 0.60, 0.70);
        for (int i = 0; i < written.Length; i++)
        {
            if (written[i] != 255)
            {
                Assert.Equal(classes[i], written[i]);
                Assert.True(maxima[i] >= result.Thresholds[written[i]] - 1e-6);
            }
        }

        using var input0 = GdalDataset.Open(input);
        using var output = PamDataset.Open(result.OutputPath);
        Assert.Equal(input0.GeoTransform, output.GeoTransform);
        Assert.Equal(input0.ProjectionWkt, output.ProjectionWkt);
        Assert.Equal(255, output.GetNoData(1));
        Assert.Equal(Names, RasterClassStyle.ReadClassNames(output, 1));
        Assert.Equal(255, RasterClassStyle.ReadColorTable(output, 1)[1].A);
        Assert.Equal(result.Thresholds, PseudoLabelGeneration.ReadThresholds(result.OutputPath));
        // No staging or partial file is left next to the output.
        Assert.Equal(["formula", "pseudo.qml", "pseudo.tif", "pseudo.tif.aux.xml", "target.tif"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Run_OutputIsTheInput_RefusedAndInputUntouched()
    {
        using var temp = new TempDirectory();
        string input = temp.File("target.tif");
        SyntheticScenes.Write(input, 40, 30, 30, Value);
        File.WriteAllText(temp.File("m.pth"), "x");
        byte[] before = File.ReadAllBytes(input);
        var options = new PseudoLabelOptions { Checkpoints = [temp.File("m.pth")], InputPath = input, OutputPath = Path.Combine(temp.Path, ".", "target.tif"), Overwrite = true };

        var error = Assert.Throws<UnsafePathException>(() => PseudoLabelGeneration.Run(options, new BandSoftmaxPredictor(3), Names, null));

        Assert.Contains("an output never replaces an input", error.Message);
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void Run_Cancelled_LeavesNoFileBehind()
    {
        using var temp = new TempDirectory();
        string input = temp.File("target.tif");
        SyntheticScenes.Write(input, 150, 110, 30, Value);
        File.WriteAllText(temp.File("m.pth"), "x");
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<StitchProgress>(p =>
        {
            if (p.TilesDone > 0)
            {
                cancel.Cancel();
            }
        });
        var options = new PseudoLabelOptions
        {
            Checkpoints = [temp.File("m.pth")], InputPath = input, OutputPath = temp.File("pseudo.tif"),
            Stitch = new StitchOptions { TileSize = 32, Overlap = 16, BatchSize = 1 },
        };

        Assert.ThrowsAny<OperationCanceledException>(() => PseudoLabelGeneration.Run(options, new BandSoftmaxPredictor(3), Names, null, progress, cancel.Token));

        Assert.Equal(["m.pth", "target.tif"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
