using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Cli;

/// <summary>Commands map exceptions to exit codes one way: through CommandErrors.Run.</summary>
public sealed class CommandErrorsTests
{
    [Fact]
    public void Commands_CatchBadInputAndCancellationOnlyInCommandErrors()
    {
        string folder = Path.Combine(TestPaths.RepoRoot, "AdaptSeg.Geo.Cli", "Commands");
        var offenders = Directory.GetFiles(folder, "*.cs")
            // doctor reports a failed check as a finding and goes on; it is not an error path.
            .Where(f => Path.GetFileName(f) is not ("CommandErrors.cs" or "CommandArguments.cs" or "DoctorCommand.cs"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetFileName(f), Line: i + 1, Text: line.Trim())))
            .Where(l => l.Text.Contains("IsBadInput(", StringComparison.Ordinal)
                || l.Text.StartsWith("catch (OperationCanceledException)", StringComparison.Ordinal)
                || l.Text.StartsWith("catch (Exception", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}: {l.Text}")
            .ToList();

        Assert.True(offenders.Count == 0, "Map errors with CommandErrors.Run, not a local catch:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task Evaluate_MissingPrediction_ExitsTwoWithTheMessageFromCommandErrors()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await CliRunner.RunAsync("evaluate", "--prediction", temp.File("missing.tif"), "--reference", temp.File("also-missing.tif"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error.Trim());
        Assert.Contains("missing.tif", error);
    }
}
