using System.Diagnostics;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using Xunit.Abstractions;

namespace AdaptSeg.Geo.Tests.Inference;

/// <summary>
/// Sharded prediction on a real Slurm: a single-node cluster started here (and stopped by PID),
/// a 4-task job array running the published CLI with <c>--shard auto --shards 4</c>, then
/// <c>adaptseg mosaic</c>; the mask must equal the single-process mask pixel for pixel. A failed
/// shard is then re-run alone as the docs say (<c>sbatch --array=2</c>): it must recompute shard 2,
/// not shard 0 (Slurm sets <c>SLURM_ARRAY_TASK_MIN=2</c> for that submission).
/// </summary>
[Collection(GdalSerialCollection.Name)]
public sealed class SlurmArrayTests(ITestOutputHelper log)
{
    private static readonly string Scene = TestPaths.SampleData("cbers_rgb342_crop1.tif");

    [SlurmFact]
    [Trait("Category", "Slow")]
    public void SbatchArrayOfFourShards_ThenMosaic_EqualsSingleProcessMask()
    {
        using var temp = new TempDirectory();
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(temp.Path, (UnixFileMode)0b111_101_101); // slurmd and munged reach into it
        }
        string cli = Publish(temp.File("cli"));
        string model = temp.File("model.pth");
        SaveLightModel(model);
        string[] predict = ["predict", "--checkpoint", model, "--input", Scene, "--tile-size", "128", "--device", "cpu"];

        var clock = Stopwatch.StartNew();
        var (code, output) = Run(cli, [.. predict, "--output", temp.File("single.tif")], TimeSpan.FromMinutes(10));
        TimeSpan single = clock.Elapsed;
        Assert.True(code == 0, output);

        using var cluster = SlurmCluster.Start(temp.File("slurm"));
        string shards = Directory.CreateDirectory(temp.File("shards")).FullName;
        string script = temp.File("predict-array.sh");
        File.WriteAllText(script, $"""
            #!/bin/bash
            #SBATCH --job-name=adaptseg-predict
            #SBATCH --cpus-per-task=1
            export OMP_NUM_THREADS=$SLURM_CPUS_PER_TASK
            exec '{cli}' {string.Join(' ', predict.Select(a => $"'{a}'"))} --output '{shards}/mask.tif' --shard auto --shards 4

            """);
        clock.Restart();
        (code, output) = cluster.Client("sbatch", ["--array=0-3", "--wait", "-o", $"{shards}/slurm-%A_%a.out", script], TimeSpan.FromMinutes(15));
        TimeSpan array = clock.Elapsed;
        string logs = string.Join("\n", Directory.GetFiles(shards, "slurm-*.out").Order().Select(f => $"{Path.GetFileName(f)}: {File.ReadAllText(f)}"));
        Assert.True(code == 0, $"sbatch: {output}\n{logs}");

        // Shard 2 "failed": its files are gone. Re-run that task alone, as docs/scale-out.md says.
        string shard0 = Path.Combine(shards, "mask.shard-0-of-4.tif");
        byte[] shard0Bytes = File.ReadAllBytes(shard0);
        DateTime shard0Written = File.GetLastWriteTimeUtc(shard0);
        foreach (string file in Directory.GetFiles(shards, "mask.shard-2-of-4.*"))
        {
            File.Delete(file);
        }

        (code, output) = Run(cli, ["mosaic", "--shards", $"{shards}/mask.tif", "--output", temp.File("incomplete.tif")], TimeSpan.FromMinutes(5));
        Assert.Equal(2, code);
        Assert.Contains("missing", output);
        (code, output) = cluster.Client("sbatch", ["--array=2", "--wait", "-o", $"{shards}/rerun-%A_%a.out", script], TimeSpan.FromMinutes(15));
        string rerunLog = string.Join("\n", Directory.GetFiles(shards, "rerun-*.out").Select(File.ReadAllText));
        Assert.True(code == 0, $"sbatch --array=2: {output}\n{rerunLog}");
        Assert.True(File.Exists(Path.Combine(shards, "mask.shard-2-of-4.json")), rerunLog);
        Assert.Equal(shard0Bytes, File.ReadAllBytes(shard0));
        Assert.Equal(shard0Written, File.GetLastWriteTimeUtc(shard0));

        clock.Restart();
        (code, output) = Run(cli, ["mosaic", "--shards", $"{shards}/mask.tif", "--output", temp.File("joined.tif")], TimeSpan.FromMinutes(5));
        TimeSpan mosaic = clock.Elapsed;
        Assert.True(code == 0, output);
        Assert.Contains("4 shards", output);

        byte[] expected = ReadMask(temp.File("single.tif"));
        Assert.Equal(expected, ReadMask(temp.File("joined.tif")));
        for (int k = 0; k < 4; k++)
        {
            Assert.True(File.Exists(Path.Combine(shards, $"mask.shard-{k}-of-4.json")), logs);
        }

        log.WriteLine($"single process: {single.TotalSeconds:F1} s; Slurm array of 4 shards (sbatch --wait, {Environment.ProcessorCount} CPUs, 1 per task): {array.TotalSeconds:F1} s; mosaic: {mosaic.TotalSeconds:F1} s");
        log.WriteLine(logs);
    }

    /// <summary><c>dotnet publish</c> of the CLI (already built with the tests) into <paramref name="folder"/>.</summary>
    private static string Publish(string folder)
    {
        string project = Path.Combine(TestPaths.RepoRoot, "AdaptSeg.Geo.Cli", "AdaptSeg.Geo.Cli.csproj");
        var (code, output) = Run("dotnet", ["publish", project, "-c", "Release", "--no-build", "-o", folder, "--nologo"], TimeSpan.FromMinutes(5));
        Assert.True(code == 0, output);
        return Path.Combine(folder, "adaptseg");
    }

    private static void SaveLightModel(string path)
    {
        using var network = LightNetwork.CreateNetwork();
        ModelPackage.Save(path, network, new ModelDescription
        {
            Classes = LightNetwork.Classes,
            InputBands = 3,
            Blocks = [1, 1, 1, 1],
            Width = 16,
            TargetStatistics = LightNetwork.Statistics,
        });
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

    private static byte[] ReadMask(string path)
    {
        using var dataset = GdalDataset.Open(path);
        var values = new byte[dataset.Width * dataset.Height];
        dataset.Read<byte>(1, new PixelWindow(0, 0, dataset.Width, dataset.Height), values);
        return values;
    }
}
