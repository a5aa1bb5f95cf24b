using AdaptSeg.Geo.Runtime;
using System.Text.Json;
using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Tests.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class CityscapesEvaluatorTests
{
    private const float MeanR = 122.67891434f;

    // Small sizes for speed; the evaluator resizes images to Input and upsamples logits to Output.
    private static CityscapesEvaluationOptions Small(int batch, string? output = null) => new()
    {
        InputWidth = 8,
        InputHeight = 4,
        OutputWidth = 16,
        OutputHeight = 8,
        BatchSize = batch,
        LoaderThreads = 2,
        OutputDirectory = output,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task EvaluateAsync_KnownPredictions_GiveTheHandComputedMatrixAndReferenceIoU(int batchSize)
    {
        using var temp = new TempDirectory();
        string root = WriteSyntheticVal(temp.Path);
        string output = Path.Combine(temp.Path, "out");
        var evaluator = new CityscapesEvaluator(ClassFromRedChannel, torch.CPU, Small(batchSize, output));
        var seen = new List<CityscapesEvaluationProgress>();

        BenchmarkEvaluationResult result = await evaluator.EvaluateAsync(new CityscapesDataset(root), new SynchronousProgress<CityscapesEvaluationProgress>(p => { lock (seen) { seen.Add(p); } }));

        // By hand (rows label, columns prediction):
        // image 0 predicted road:     64 road->road, 64 car->road
        // image 1 predicted sidewalk: 112 sidewalk->sidewalk (row 0, id 0, ignored)
        // image 2 predicted building: 64 building->building, 32 road->building (rows 6-7, id 255, ignored)
        ConfusionMatrix m = result.Matrix;
        Assert.Equal(64, m[0, 0]);
        Assert.Equal(64, m[13, 0]);
        Assert.Equal(112, m[1, 1]);
        Assert.Equal(64, m[2, 2]);
        Assert.Equal(32, m[0, 2]);
        Assert.Equal(64 + 64 + 112 + 64 + 32, m.Total);

        // compute_iou.per_class_iu: diag / (row + col - diag).
        Assert.Equal(64.0 / (96 + 128 - 64), result.IoU[0], 15);
        Assert.Equal(1.0, result.IoU[1], 15);
        Assert.Equal(64.0 / (64 + 96 - 64), result.IoU[2], 15);
        Assert.Equal(0.0, result.IoU[13], 15);
        Assert.Equal(15, result.IoU.Count(double.IsNaN));
        Assert.Equal((0.4 + 1.0 + 2.0 / 3.0 + 0.0) / 4, result.MeanIoU, 15);
        Assert.Equal(3, result.ImageCount);
        Assert.Equal(3, seen[^1].Done);

        // Outputs as the reference names them: <name>.png (trainIds) and <stem>_color.png.
        LabelImage ids = LabelImage.Read(Path.Combine(output, "a_1_leftImg8bit.png"));
        Assert.Equal((16, 8), (ids.Width, ids.Height));
        Assert.All(ids.Values, v => Assert.Equal(1, v));
        using (var colour = Image.Load<Rgb24>(Path.Combine(output, "b_2_leftImg8bit_color.png")))
        {
            Assert.Equal(new Rgb24(70, 70, 70), colour[5, 5]);
        }

        string table = File.ReadAllText(Path.Combine(output, "iou.txt"));
        Assert.Matches(@"road\s+40\.00", table);
        Assert.Matches(@"mIoU\s+51\.67", table);
        Assert.Matches(@"truck\s+nan", table);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "iou.json")));
        Assert.Equal(51.666666, json.RootElement.GetProperty("mIoU").GetDouble(), 5);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("classes")[14].GetProperty("iou").ValueKind);
        Assert.DoesNotContain(Directory.GetFiles(output), f => f.Contains(".partial", StringComparison.Ordinal));
    }

    [CudaFact]
    public async Task EvaluateAsync_OnCuda_GivesTheSameMatrixAsOnCpu()
    {
        using var temp = new TempDirectory();
        string root = WriteSyntheticVal(temp.Path);
        var dataset = new CityscapesDataset(root);
        BenchmarkEvaluationResult cpu = await new CityscapesEvaluator(ClassFromRedChannel, torch.CPU, Small(2)).EvaluateAsync(dataset);
        BenchmarkEvaluationResult cuda = await new CityscapesEvaluator(ClassFromRedChannel, torch.CUDA, Small(2)).EvaluateAsync(dataset);
        for (int r = 0; r < 19; r++)
        {
            for (int p = 0; p < 19; p++)
            {
                Assert.Equal(cpu.Matrix[r, p], cuda.Matrix[r, p]);
            }
        }
    }

    [Fact]
    public void Predict_TwoLogitColumns_UpsampledWithAlignCornersTrue()
    {
        // Class 0 scores [3, 0], class 1 [0, 1] over two columns; the difference crosses zero at 3/4
        // of the way. align_corners=True samples x/7 for 8 outputs: columns 0..5 are class 0.
        // (align_corners=False would sample (x+0.5)/4-0.5 and give class 1 from column 5 on.)
        var values = new float[19 * 2];
        Array.Fill(values, -10f);
        values[0] = 3;
        values[1] = 0;
        values[2] = 0;
        values[3] = 1;
        using Tensor logits = torch.tensor(values, [1, 19, 1, 2]);
        using Tensor prediction = CityscapesEvaluator.Predict(logits, 8, 1);
        Assert.Equal(new long[] { 1, 1, 8 }, prediction.shape);
        Assert.Equal(new long[] { 0, 0, 0, 0, 0, 0, 1, 1 }, prediction.data<long>().ToArray());
    }

    [Fact]
    public void Histogram_RandomPairs_EqualsConfusionMatrixCountsLikeFastHist()
    {
        var random = new Random(12);
        byte[] reference = Enumerable.Range(0, 5000).Select(_ => random.Next(10) == 0 ? (byte)255 : (byte)random.Next(19)).ToArray();
        byte[] prediction = Enumerable.Range(0, 5000).Select(_ => (byte)random.Next(19)).ToArray();
        var expected = new ConfusionMatrix(19);
        expected.Add(reference, prediction);

        using Tensor r = torch.tensor(reference, [50, 100], ScalarType.Byte);
        using Tensor p = torch.tensor(prediction, [50, 100], ScalarType.Byte).to(ScalarType.Int64);
        var actual = new ConfusionMatrix(19);
        actual.AddHistogram(CityscapesEvaluator.Histogram(r, p, 19));
        Assert.Equal(expected.IoU(), actual.IoU());
        Assert.Equal(expected.Total, actual.Total);
    }

    [Fact]
    public async Task EvaluateAsync_LabelSmallerThanOutput_IsAnErrorNamingTheLabelNotASkip()
    {
        using var temp = new TempDirectory();
        string root = WriteSyntheticVal(temp.Path);
        var options = Small(1) with { OutputWidth = 32, OutputHeight = 16 };
        var evaluator = new CityscapesEvaluator(ClassFromRedChannel, torch.CPU, options);
        var e = await Assert.ThrowsAsync<CityscapesDataException>(() => evaluator.EvaluateAsync(new CityscapesDataset(root)));
        Assert.EndsWith("_gtFine_labelIds.png", e.Path);
        Assert.Contains("32x16", e.Message);
    }

    [Fact]
    public async Task EvaluateAsync_LabelWithUnknownId_ThrowsNamingTheLabel()
    {
        using var temp = new TempDirectory();
        string root = WriteSyntheticVal(temp.Path);
        string bad = Path.Combine(root, "gtFine", "val", "a", "a_1_gtFine_labelIds.png");
        SyntheticPng.Grey(bad, 16, 8, (x, y) => x == 3 && y == 2 ? (byte)250 : (byte)7);
        var evaluator = new CityscapesEvaluator(ClassFromRedChannel, torch.CPU, Small(2));
        var e = await Assert.ThrowsAsync<CityscapesDataException>(() => evaluator.EvaluateAsync(new CityscapesDataset(root)));
        Assert.Equal(bad, e.Path);
        Assert.Contains("250", e.Message);
    }

    [Fact]
    public async Task EvaluateAsync_NetworkWithWrongClassCount_ThrowsSayingWhatWasExpected()
    {
        using var temp = new TempDirectory();
        string root = WriteSyntheticVal(temp.Path);
        var evaluator = new CityscapesEvaluator(x => torch.zeros(x.shape[0], 21, 1, 1), torch.CPU, Small(1));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => evaluator.EvaluateAsync(new CityscapesDataset(root)));
        Assert.Contains("19", e.Message);
        Assert.Contains("21", e.Message);
    }

    [Fact]
    public async Task EvaluateAsync_Cancelled_ThrowsAndWritesNoTable()
    {
        using var temp = new TempDirectory();
        string root = WriteSyntheticVal(temp.Path);
        string output = Path.Combine(temp.Path, "out");
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var evaluator = new CityscapesEvaluator(ClassFromRedChannel, torch.CPU, Small(1, output));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => evaluator.EvaluateAsync(new CityscapesDataset(root), null, cancel.Token));
        Assert.False(File.Exists(Path.Combine(output, "iou.txt")));
    }

    [Fact]
    public void FileNames_ListName_AreTheReferenceOutputNames()
    {
        Assert.Equal(
            ("frankfurt_000001_007973_leftImg8bit.png", "frankfurt_000001_007973_leftImg8bit_color.png"),
            PredictionPngWriter.FileNames("frankfurt/frankfurt_000001_007973_leftImg8bit.png"));
    }

    /// <summary>
    /// The test's network: image i of the synthetic set is filled with red 40·(i+1); the logits
    /// (at 1×2, like a tiny 1/8-resolution output) put 5 on class i and 0 elsewhere.
    /// </summary>
    private static Tensor ClassFromRedChannel(Tensor batch)
    {
        long n = batch.shape[0];
        var logits = new float[n * 19 * 2];
        for (int b = 0; b < n; b++)
        {
            float red = batch[b, 2, 1, 3].item<float>() + MeanR;
            int cls = (int)Math.Round(red / 40) - 1;
            logits[(b * 19 + cls) * 2] = 5;
            logits[(b * 19 + cls) * 2 + 1] = 5;
        }

        return torch.tensor(logits, [n, 19, 1, 2]).to(batch.device);
    }

    /// <summary>
    /// Three 16×8 val images in two cities. Labels (ids): image 0 columns 0-7 road (7), 8-15 car (26);
    /// image 1 row 0 unlabeled (0), rows 1-7 sidewalk (8); image 2 rows 0-3 building (11), 4-5 road (7), 6-7 void (255).
    /// </summary>
    private static string WriteSyntheticVal(string folder)
    {
        string root = Path.Combine(folder, "cityscapes");
        string[] stems = ["a/a_0", "a/a_1", "b/b_2"];
        Func<int, int, byte>[] labels =
        [
            (x, _) => x < 8 ? (byte)7 : (byte)26,
            (_, y) => y == 0 ? (byte)0 : (byte)8,
            (_, y) => y < 4 ? (byte)11 : y < 6 ? (byte)7 : (byte)255,
        ];
        for (int i = 0; i < stems.Length; i++)
        {
            byte red = (byte)(40 * (i + 1));
            SyntheticPng.Rgb(Path.Combine(root, "leftImg8bit", "val", stems[i] + "_leftImg8bit.png"), 16, 8, (_, _) => (red, 100, 50));
            SyntheticPng.Grey(Path.Combine(root, "gtFine", "val", stems[i] + "_gtFine_labelIds.png"), 16, 8, labels[i]);
        }

        return root;
    }

}
