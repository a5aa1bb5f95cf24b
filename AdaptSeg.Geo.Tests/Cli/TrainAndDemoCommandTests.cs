using System.Text.Json;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Cli;

/// <summary>The prepared sample data, made once for the tests that train on it.</summary>
public sealed class PreparedExperimentFixture : IDisposable
{
    private readonly TempDirectory temp = new();

    public PreparedExperimentFixture()
    {
        Folder = temp.File("prepared");
        var (code, _, error) = CliRunner.RunAsync("prepare", "--config", Path.Combine(TestPaths.RepoRoot, "sample-configs", "prepare-olinda-to-cbers.json"), "--out", Folder)
            .GetAwaiter().GetResult();
        if (code != 0)
        {
            throw new InvalidOperationException("prepare failed: " + error);
        }
    }

    public string Folder { get; }

    /// <summary>Writes an experiment file next to the prepared data from the demo config with some keys replaced.</summary>
    public string WriteExperiment(string name, Func<string, string>? edit = null)
    {
        string json = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "sample-configs", "landcover-demo.json"))
            .Replace("\"../demo-output/prepared\"", JsonSerializer.Serialize(Folder), StringComparison.Ordinal)
            .Replace("\"../demo-output/runs/adapted\"", JsonSerializer.Serialize(temp.File("runs-" + name)), StringComparison.Ordinal);
        string path = temp.File(name + ".json");
        File.WriteAllText(path, edit is null ? json : edit(json));
        return path;
    }

    public string RunFolder(string name) => temp.File("runs-" + name);

    public void Dispose() => temp.Dispose();
}

public sealed class TrainCommandTests(PreparedExperimentFixture prepared) : IClassFixture<PreparedExperimentFixture>
{
    [Fact]
    public async Task Train_ConfigWithTyposWrongTypeAndMissingInit_Exit2ListingEveryProblemWithItsPath()
    {
        string config = prepared.WriteExperiment("bad", json => json
            .Replace("\"learningRate\"", "\"lerningRate\"", StringComparison.Ordinal)
            .Replace("\"batchSize\": 4", "\"batchSize\": \"four\"", StringComparison.Ordinal));
        var (code, output, error) = await CliRunner.RunAsync("train", "--config", config);
        Assert.Equal(2, code);
        Assert.Contains("$.training.lerningRate: unknown key (did you mean 'learningRate'?)", error);
        Assert.Contains("$.training.batchSize: expected a whole number, found the string \"four\"", error);
        Assert.Contains("bad.json", error);
        Assert.Equal("", output);

        string missing = prepared.WriteExperiment("missing-init", json => json.Replace("\"width\": 16,", "\"width\": 64, \"init\": \"nowhere/init.pth\",", StringComparison.Ordinal));
        (code, _, error) = await CliRunner.RunAsync("train", "--config", missing);
        Assert.Equal(2, code);
        Assert.Contains("$.model.init: file", error);
        Assert.Contains("nowhere/init.pth", error);
    }

    [Fact]
    public async Task Train_ClassCountDiffersFromPreparedData_Exit2NamingBoth()
    {
        string config = prepared.WriteExperiment("classes", json => json.Replace("[\"water\", \"vegetation\", \"other\"]", "[\"water\", \"vegetation\", \"other\", \"cloud\"]", StringComparison.Ordinal));
        var (code, _, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "1");
        Assert.Equal(2, code);
        Assert.Contains("$.classes: the config lists 4 classes", error);
        Assert.Contains("has 3 (water, vegetation, other)", error);
        Assert.False(Directory.Exists(prepared.RunFolder("classes")));
    }

    [Fact]
    public async Task Train_ResumeWithoutCheckpoint_Exit2()
    {
        string config = prepared.WriteExperiment("noresume");
        var (code, _, error) = await CliRunner.RunAsync("train", "--config", config, "--resume", "--iterations", "2");
        Assert.Equal(2, code);
        Assert.Contains("no checkpoint", error);
    }

    [Fact]
    public async Task TrainThenPredict_FewIterations_WritesModelAndAMaskWithClassNames()
    {
        string config = prepared.WriteExperiment("short");
        var (code, output, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "3", "--device", "cpu");
        Assert.True(code == 0, error);
        string model = Path.Combine(prepared.RunFolder("short"), "model.pth");
        Assert.True(File.Exists(model), output);
        (Geo.Models.DeepLabMulti network, Geo.Models.ModelDescription description) = Geo.Models.ModelPackage.Load(model, TorchSharp.torch.CPU);
        network.Dispose();
        Assert.Equal(28.5, description.TrainingGrid!.PixelSize); // the prepared grid, for predicting at the training resolution
        Assert.Equal(3, File.ReadAllLines(Path.Combine(prepared.RunFolder("short"), "log.jsonl")).Length);
        Assert.True(File.Exists(Path.Combine(prepared.RunFolder("short"), "losses.png")));

        string target = Directory.GetFiles(Path.Combine(prepared.Folder, "goias-cbers2"), "*.image.tif").Single();
        string mask = Path.Combine(prepared.RunFolder("short"), "mask.tif");
        (code, output, error) = await CliRunner.RunAsync("predict", "--checkpoint", model, "--input", target, "--output", mask, "--tile-size", "128", "--device", "cpu");
        Assert.True(code == 0, error);
        using var written = GdalDataset.Open(mask);
        using var input = GdalDataset.Open(target);
        Assert.Equal((input.Width, input.Height), (written.Width, written.Height));
        Assert.Equal(input.GeoTransform, written.GeoTransform);
        Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(written, 1));
        Assert.Contains("mask.tif", output);
    }
}

public sealed class DemoCommandTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Demo_ShortRun_ReportsBothMiousAndWritesMasksOnTheTargetGridAndAQuicklook()
    {
        using var temp = new TempDirectory();
        string output = temp.File("demo");
        var (code, text, error) = await CliRunner.RunAsync("demo", "--out", output, "--iterations", "20", "--device", "cpu", "--repository", TestPaths.RepoRoot);
        Assert.True(code == 0, error);
        Assert.Contains("mIoU", text);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report.json")));
        double sourceOnly = report.RootElement.GetProperty("sourceOnlyMiou").GetDouble();
        double adapted = report.RootElement.GetProperty("adaptedMiou").GetDouble();
        Assert.InRange(sourceOnly, 0, 100);
        Assert.InRange(adapted, 0, 100);

        string target = Directory.GetFiles(Path.Combine(output, "prepared", "goias-cbers2"), "*.image.tif").Single();
        using var grid = GdalDataset.Open(target);
        foreach (string mode in new[] { "source-only", "adapted" })
        {
            using var mask = GdalDataset.Open(Path.Combine(output, "masks", mode + ".tif"));
            Assert.Equal((grid.Width, grid.Height, grid.GeoTransform, grid.ProjectionWkt), (mask.Width, mask.Height, mask.GeoTransform, mask.ProjectionWkt));
            Assert.Equal(RasterDataType.Byte, mask.GetDataType(1));
            Assert.Equal(255, mask.GetNoData(1));
            Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(mask, 1));
            Assert.True(RasterClassStyle.ReadColorTable(mask, 1).Count >= 3);
        }

        Assert.True(new FileInfo(Path.Combine(output, "quicklook.png")).Length > 1000);

        // A second run into the same folder is allowed (it is a demo output); another folder is not touched.
        string other = temp.File("someone-elses");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "keep.txt"), "mine");
        (code, _, error) = await CliRunner.RunAsync("demo", "--out", other, "--iterations", "1", "--repository", TestPaths.RepoRoot);
        Assert.Equal(2, code);
        Assert.Contains("not a previous demo output", error);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(other, "keep.txt")));
    }
}
