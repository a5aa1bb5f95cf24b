using System.IO.Compression;
using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class LoveDaEvaluationTests
{
    [Fact]
    public void Run_Val_ScoresOneMatrixOverTheSplitIgnoringNoDataAndWritesWhatItScored()
    {
        using var temp = new TempDirectory();
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, count: 3, size: 40);
        string model = WriteModel(temp);
        string output = temp.File("eval");

        LoveDaEvaluationResult result = LoveDaEvaluation.Run(new LoveDaEvaluationRequest
        {
            ModelPath = model, Root = temp.Path, Domain = LoveDaDomain.Urban, OutputDirectory = output, Device = "cpu",
        });

        // Every pixel but the 3x3 no-data corner of each image is scored.
        Assert.Equal(3, result.Images);
        Assert.Equal(3 * ((40 * 40) - 9), result.Scores!.Matrix.Total);
        // The written predictions, scored against the masks here, give the same matrix.
        var again = new ConfusionMatrix(7);
        var dataset = new LoveDaDataset(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, requireMasks: true);
        for (int i = 0; i < dataset.Count; i++)
        {
            byte[] predicted = ReadPng(Path.Combine(output, "predictions", dataset.Names[i]));
            Assert.All(predicted, v => Assert.InRange(v, 0, 6));
            again.Add(dataset.LoadLabels(i, 40, 40), predicted);
        }

        Assert.Equal(Enumerable.Range(0, 49).Select(k => again[k / 7, k % 7]), Enumerable.Range(0, 49).Select(k => result.Scores.Matrix[k / 7, k % 7]));
        Assert.True(File.Exists(Path.Combine(output, "iou.json")));
        Assert.Contains("mIoU", File.ReadAllText(Path.Combine(output, "iou.txt")));
    }

    [Fact]
    public void Run_Test_WritesZeroToSixPngsAndTheirZipWithoutReadingMasks()
    {
        using var temp = new TempDirectory();
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Test, LoveDaDomain.Rural, count: 2, size: 32, masks: false, firstName: 4000);
        string output = temp.File("submit");

        LoveDaEvaluationResult result = LoveDaEvaluation.Run(new LoveDaEvaluationRequest
        {
            ModelPath = WriteModel(temp), Root = temp.Path, Domain = LoveDaDomain.Rural, Split = LoveDaSplit.Test, OutputDirectory = output, Device = "cpu",
        });

        Assert.Null(result.Scores);
        using ZipArchive zip = ZipFile.OpenRead(result.SubmissionZip!);
        Assert.Equal(["4000.png", "4001.png"], zip.Entries.Select(e => e.FullName).Order());
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            using var stream = new MemoryStream();
            entry.Open().CopyTo(stream);
            Assert.Equal(File.ReadAllBytes(Path.Combine(output, "predictions", entry.FullName)), stream.ToArray());
        }
    }

    [Fact]
    public void Run_TestWithoutOutputFolder_ThrowsSayingWhy()
    {
        using var temp = new TempDirectory();
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Test, LoveDaDomain.Rural, count: 1, size: 32, masks: false);

        var e = Assert.Throws<LoveDaDataException>(() => LoveDaEvaluation.Run(new LoveDaEvaluationRequest
        {
            ModelPath = WriteModel(temp), Root = temp.Path, Domain = LoveDaDomain.Rural, Split = LoveDaSplit.Test, Device = "cpu",
        }));

        Assert.Contains("evaluation server", e.Message);
    }

    [Fact]
    public void Run_PredictionFolderLinkedToTheImages_RefusesAndLeavesTheImages()
    {
        using var temp = new TempDirectory();
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, count: 2, size: 32);
        string images = Path.Combine(temp.Path, "Val", "Urban", "images_png");
        FileHashes before = FileHashes.Of(images);
        string output = temp.File("eval");
        Directory.CreateDirectory(output);
        Directory.CreateSymbolicLink(Path.Combine(output, "predictions"), images);

        Assert.Throws<UnsafePathException>(() => LoveDaEvaluation.Run(new LoveDaEvaluationRequest
        {
            ModelPath = WriteModel(temp), Root = temp.Path, Domain = LoveDaDomain.Urban, OutputDirectory = output, Device = "cpu",
        }));

        before.AssertUnchanged();
    }

    [Fact]
    public async Task Cli_EvaluateLoveDa_PrintsThePerClassTableAndRefusesAnUnknownDomain()
    {
        using var temp = new TempDirectory();
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Val, LoveDaDomain.Rural, count: 2, size: 32);
        string model = WriteModel(temp);

        var (code, output, error) = await CliRunner.RunAsync("evaluate-loveda", "--checkpoint", model, "--loveda", temp.Path, "--domain", "rural", "--device", "cpu");
        var (badCode, _, badError) = await CliRunner.RunAsync("evaluate-loveda", "--checkpoint", model, "--loveda", temp.Path, "--domain", "suburban");

        Assert.True(code == 0, error);
        Assert.Contains("agriculture", output);
        Assert.Contains("mIoU", output);
        Assert.Equal(2, badCode);
        Assert.Contains("--domain must be rural or urban", badError);
    }

    /// <summary>A 7-class RGB model.pth of the light network with seeded weights, normalised as LoveDA.</summary>
    private static string WriteModel(TempDirectory temp)
    {
        var statistics = new BandStatistics([.. LoveDaClasses.Mean], [.. LoveDaClasses.Std]);
        var description = new ModelDescription
        {
            Classes = LoveDaClasses.Names, InputBands = 3, Blocks = [1, 1, 1, 1], Width = 8,
            BandNames = ["red", "green", "blue"], SourceStatistics = statistics, TargetStatistics = statistics,
        };
        torch.manual_seed(5);
        using DeepLabMulti network = description.CreateNetwork();
        using (torch.no_grad())
        {
            foreach (var p in network.parameters().Where(p => p.dim() == 4))
            {
                torch.nn.init.kaiming_normal_(p);
            }
        }

        string path = temp.File("model.pth");
        ModelPackage.Save(path, network, description);
        return path;
    }

    private static byte[] ReadPng(string path)
    {
        using Image<L8> image = Image.Load<L8>(path);
        var values = new byte[image.Width * image.Height];
        image.CopyPixelDataTo(values);
        return values;
    }
}
