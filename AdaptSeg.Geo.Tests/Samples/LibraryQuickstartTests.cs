using System.Diagnostics;
using System.Text.Json.Nodes;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Samples;

/// <summary>samples/LibraryQuickstart: prepare, train, predict and evaluate through the library, as a user's program.</summary>
public sealed class LibraryQuickstartTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Quickstart_BuiltAndRun_WritesModelMaskAndEvaluationOfTheTargetScene()
    {
        using var temp = new TempDirectory();
        string project = Path.Combine(TestPaths.RepoRoot, "samples", "LibraryQuickstart", "LibraryQuickstart.csproj");

        var (code, output) = Run("dotnet", ["run", "--project", project, "-c", "Release", "--", TestPaths.RepoRoot, temp.Path, "4"], TimeSpan.FromMinutes(15));

        Assert.True(code == 0, output);
        Assert.True(new FileInfo(temp.File("run/model.pth")).Length > 10_000, output);
        using var mask = GdalDataset.Open(temp.File("target-mask.tif"));
        using var labels = GdalDataset.Open(PreparedDataset.Load(temp.File("prepared")).Target.Scenes[0].LabelPath!);
        Assert.Equal((labels.Width, labels.Height), (mask.Width, mask.Height));
        // The legend came from model.pth: the class names of the prepare config, in order.
        Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(mask, 1));
        var values = new byte[mask.Width * mask.Height];
        mask.Read<byte>(1, new PixelWindow(0, 0, mask.Width, mask.Height), values);
        Assert.All(values.Distinct(), v => Assert.True(v is <= 2 or 255, $"mask value {v}"));
        JsonNode report = JsonNode.Parse(File.ReadAllText(temp.File("evaluation.json")))!;
        Assert.Equal(temp.File("target-mask.tif"), (string)report["prediction"]!);
        Assert.Equal(3, report["classes"]!.AsArray().Count);
        Assert.True((long)report["counted_pixels"]! > 0, output);
        Assert.Contains("water", output);
    }

    private static (int Code, string Output) Run(string command, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{command} {string.Join(' ', arguments)}' ran over {timeout}.");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
