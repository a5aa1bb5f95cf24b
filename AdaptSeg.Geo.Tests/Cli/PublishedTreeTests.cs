using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using Xunit.Abstractions;

namespace AdaptSeg.Geo.Tests.Cli;

/// <summary>
/// Everything of the container image but the image itself (no container engine here): the build
/// context as the Dockerfile gets it (the repository without what .dockerignore leaves out, so no
/// bin/ or obj/: a fresh build), its publish command (<c>build/publish.sh</c>, self-contained
/// linux-x64, libstdc++ fix-up forced) into the folder its runtime stage copies, then that tree run
/// on the demo data in a clean folder with no .NET on PATH and no DOTNET_* variables: doctor,
/// prepare, two training iterations, predict.
/// </summary>
public sealed partial class PublishedTreeTests(ITestOutputHelper log)
{
    [Fact]
    [Trait("Category", "Slow")]
    public void DockerfilePublish_RunWithoutTheSdk_PreparesTrainsAndPredictsTheDemoData()
    {
        // The layout the image gets: the build stage runs build/publish.sh into /app and the runtime stage copies /app.
        string dockerfile = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "Dockerfile"));
        Assert.Matches(PublishLine(), dockerfile);
        Assert.Matches(CopyLine(), dockerfile);
        Assert.Contains("FROM debian:12-slim", dockerfile);

        using var temp = new TempDirectory();
        string context = temp.File("src");
        string[] ignored = [.. File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, ".dockerignore"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Replace("**/", "", StringComparison.Ordinal).Trim('/'))];
        Assert.Contains("bin", ignored);
        Assert.Contains("obj", ignored);
        CopyFolder(TestPaths.RepoRoot, context, ignored);
        string app = temp.File("app");
        var (code, output) = Run("sh", [Path.Combine(context, "build", "publish.sh"), app], context, null, TimeSpan.FromMinutes(20));
        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(app, "libLibTorchSharp.so")));
        Assert.True(File.Exists(Path.Combine(app, "System.Private.CoreLib.dll")), "the tree must carry its own .NET runtime (self-contained)");

        // A clean folder with only the demo data, an empty PATH folder, a fresh HOME, no DOTNET_ROOT.
        string work = Directory.CreateDirectory(temp.File("work")).FullName;
        foreach (string folder in new[] { "sample-data", "sample-configs" })
        {
            CopyFolder(Path.Combine(TestPaths.RepoRoot, folder), Path.Combine(work, folder), []);
        }

        var environment = new Dictionary<string, string>
        {
            ["PATH"] = Directory.CreateDirectory(temp.File("empty-bin")).FullName,
            ["HOME"] = Directory.CreateDirectory(temp.File("home")).FullName,
            ["LANG"] = "C.UTF-8",
        };
        string cli = Path.Combine(app, "adaptseg");
        (int, string) Cli(TimeSpan timeout, params string[] args)
        {
            var result = Run(cli, args, work, environment, timeout);
            log.WriteLine($"$ adaptseg {string.Join(' ', args)}  -> exit {result.Code}\n{result.Output}");
            return result;
        }

        (code, output) = Cli(TimeSpan.FromMinutes(2), "doctor");
        Assert.True(code == 0, output);
        Assert.Contains("status        usable", output);
        Assert.Contains("bundled", output);
        Assert.Contains("GDAL          3.", output);

        (code, output) = Cli(TimeSpan.FromMinutes(10), "prepare", "--config", "sample-configs/prepare-olinda-to-cbers.json", "--out", "prepared");
        Assert.True(code == 0, output);

        string experiment = Path.Combine(work, "experiment.json");
        File.WriteAllText(experiment, File.ReadAllText(Path.Combine(work, "sample-configs", "landcover-demo.json"))
            .Replace("\"../demo-output/prepared\"", JsonSerializer.Serialize(Path.Combine(work, "prepared")), StringComparison.Ordinal)
            .Replace("\"../demo-output/runs/adapted\"", JsonSerializer.Serialize(Path.Combine(work, "run")), StringComparison.Ordinal));
        (code, output) = Cli(TimeSpan.FromMinutes(10), "train", "--config", experiment, "--iterations", "2", "--device", "cpu");
        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(work, "run", "model.pth")));
        Assert.True(File.Exists(Path.Combine(work, "run", "losses.png")));

        string target = Directory.GetFiles(Path.Combine(work, "prepared", "goias-cbers2"), "*.image.tif").Single();
        (code, output) = Cli(TimeSpan.FromMinutes(15), "predict", "--checkpoint", Path.Combine("run", "model.pth"), "--input", target,
            "--output", "mask.tif", "--tile-size", "256", "--device", "cpu");
        Assert.True(code == 0, output);
        using var mask = GdalDataset.Open(Path.Combine(work, "mask.tif"));
        using var input = GdalDataset.Open(target);
        Assert.Equal((input.Width, input.Height), (mask.Width, mask.Height));
        Assert.True(File.Exists(Path.Combine(work, "mask.stac.json")));
    }

    [GeneratedRegex(@"RUN sh build/publish\.sh /app\b")]
    private static partial Regex PublishLine();

    [GeneratedRegex(@"COPY --from=build /app /opt/adaptseg")]
    private static partial Regex CopyLine();

    /// <summary>Copies a folder, leaving out sub-folders named in <paramref name="ignored"/> at any depth.</summary>
    private static void CopyFolder(string source, string destination, IReadOnlyCollection<string> ignored)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (string folder in Directory.GetDirectories(source).Where(f => !ignored.Contains(Path.GetFileName(f))))
        {
            CopyFolder(folder, Path.Combine(destination, Path.GetFileName(folder)), ignored);
        }
    }

    /// <summary>Runs a program; with <paramref name="environment"/> the child gets exactly those variables and nothing else.</summary>
    private static (int Code, string Output) Run(string program, IEnumerable<string> arguments, string folder, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        if (environment is not null)
        {
            start.Environment.Clear();
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{program} {string.Join(' ', arguments)}' ran over {timeout}.");
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}
