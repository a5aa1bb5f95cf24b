using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Tests.Cli;

/// <summary>Issue 10's run-folder cases for train: an existing run, the user's config.json, a torn log line.</summary>
public sealed class RunFolderCommandTests(PreparedExperimentFixture prepared) : IClassFixture<PreparedExperimentFixture>
{
    [Fact]
    public async Task Train_FolderHoldsRun_Exit2UnlessRestartWhichMovesItAsideIntact()
    {
        string config = prepared.WriteExperiment("again");
        string run = prepared.RunFolder("again");
        var (code, _, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "1", "--device", "cpu");
        Assert.True(code == 0, error);
        var before = Snapshot(run);
        var hashes = FileHashes.Of(run, config);

        (code, var output, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "1", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains($"The run folder '{run}' already holds a training run", error);
        Assert.Contains("--resume", error);
        Assert.Contains("--restart", error);
        Assert.DoesNotContain("Training", output);
        hashes.AssertUnchanged();

        (code, output, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "1", "--device", "cpu", "--restart");
        Assert.True(code == 0, error);
        string aside = Directory.GetDirectories(Path.GetDirectoryName(run)!, Path.GetFileName(run) + ".previous-*").Single();
        Assert.Contains($"moved to {aside}", output);
        Assert.Equal(before, Snapshot(aside));
        Assert.True(File.Exists(Path.Combine(run, "model.pth")));
        FileHashes.Of(config).AssertUnchanged();
    }

    [Fact]
    public async Task Train_ExperimentFileIsRunConfigJson_NeverWrittenOver()
    {
        string template = prepared.WriteExperiment("own");
        string run = prepared.RunFolder("own");
        Directory.CreateDirectory(run);
        string config = Path.Combine(run, "config.json");
        File.Move(template, config);
        var hashes = FileHashes.Of(config);

        var (code, output, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "1", "--device", "cpu");

        Assert.True(code == 0, error);
        hashes.AssertUnchanged();
        Assert.True(File.Exists(Path.Combine(run, "config.effective.json")));
        Assert.Contains("config.json in the run folder is your experiment file", output);

        (code, _, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "1", "--device", "cpu", "--restart");
        Assert.True(code == 0, error);
        hashes.AssertUnchanged(); // --restart moved the run aside but left the experiment file in place
    }

    [Fact]
    public async Task Train_ResumeWithTornFinalLogLine_TruncatesItAndSaysSo()
    {
        string config = prepared.WriteExperiment("torn");
        string log = Path.Combine(prepared.RunFolder("torn"), "log.jsonl");
        var (code, _, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "2", "--device", "cpu");
        Assert.True(code == 0, error);
        File.AppendAllText(log, "{\"iteration\":2,\"segAux\":0.61,\"segM");
        var configHash = FileHashes.Of(config);

        (code, var output, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "3", "--device", "cpu", "--resume");

        Assert.True(code == 0, error);
        Assert.Contains("Resuming at iteration 2", output);
        Assert.Contains("was cut short", output);
        Assert.Contains("it is dropped", output);
        var entries = TrainingLog.Read(log, out string? torn);
        Assert.Null(torn);
        Assert.Equal([0, 1, 2], entries.Select(e => e.Iteration));
        configHash.AssertUnchanged();
    }

    [Fact]
    public async Task Train_ResumeAndRestartTogether_Exit2BeforeAnyWork()
    {
        string config = prepared.WriteExperiment("both");
        var (code, _, error) = await CliRunner.RunAsync("train", "--config", config, "--resume", "--restart");
        Assert.Equal(2, code);
        Assert.Contains("give one of them", error);
        Assert.False(Directory.Exists(prepared.RunFolder("both")));
    }

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f),
            f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
