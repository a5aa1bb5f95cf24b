using System.Text.Json;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Tiling;

namespace AdaptSeg.Geo.Tests.Cli;

/// <summary><c>bench engines</c> end to end on the prepared sample pair, with a model trained for a few iterations (the numbers mean nothing; the run must be complete and consistent).</summary>
[Collection(GdalSerialCollection.Name)]
[Trait("Category", "Slow")]
public sealed class BenchEnginesCommandTests(PreparedExperimentFixture prepared) : IClassFixture<PreparedExperimentFixture>
{
    [Fact]
    public async Task BenchEngines_OneSeed_ScoresTheThreeEnginesAndWritesTheReports()
    {
        using var temp = new TempDirectory();
        string output = temp.File("engines");
        var (code, stdout, error) = await CliRunner.RunChildAsync("bench", "engines", "--seeds", "1", "--iterations", "4", "--prepared", prepared.Folder,
            "--out", output, "--training-device", "cpu", "--repository", TestPaths.RepoRoot);
        Assert.True(code == 0, error);
        Assert.Contains("CPU ISA       ", stdout);
        Assert.Contains("| torchsharp float32 |", stdout);
        Assert.Contains("| onnxruntime float32 |", stdout);
        Assert.Contains("| onnxruntime int8 |", stdout);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "engine-comparison.json")));
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["torchsharp float32", "onnxruntime float32", "onnxruntime int8"], runs.Select(r => r.GetProperty("engine").GetString()));
        Assert.All(runs, r => Assert.InRange(r.GetProperty("meanIoU").GetDouble(), 0, 100));
        Assert.All(runs, r => Assert.True(r.GetProperty("msPerTile").GetDouble() > 0));
        // The two float32 engines compute the same network: their masks agree (to rounding at exact ties).
        Assert.True(runs[1].GetProperty("agreement").GetDouble() >= 99.9, runs[1].ToString());
        Assert.True(File.Exists(Path.Combine(output, "runs", "seed1", "model-int8.onnx")));
        Assert.True(File.Exists(Path.Combine(output, "engine-comparison.md")));

        // Again with the model kept: nothing is trained, everything else is made anew.
        DateTime trained = File.GetLastWriteTimeUtc(Path.Combine(output, "runs", "seed1", "model.pth"));
        (code, _, error) = await CliRunner.RunChildAsync("bench", "engines", "--seeds", "1", "--prepared", prepared.Folder,
            "--out", output, "--training-device", "cpu", "--reuse-models", "--repository", TestPaths.RepoRoot);
        Assert.True(code == 0, error);
        Assert.Equal(trained, File.GetLastWriteTimeUtc(Path.Combine(output, "runs", "seed1", "model.pth")));
    }
}
