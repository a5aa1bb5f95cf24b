using System.Diagnostics;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;

namespace AdaptSeg.Geo.Tests.Samples;

/// <summary>samples/LibraryPredictAndMosaic: shards and their mosaic through the library alone, with its safeguards.</summary>
public sealed class LibraryPredictAndMosaicTests
{
    private static readonly string Project = Path.Combine(TestPaths.RepoRoot, "samples", "LibraryPredictAndMosaic", "LibraryPredictAndMosaic.csproj");

    [Fact]
    [Trait("Category", "Slow")]
    public void Sample_ShardsAndMosaic_EqualsOnePredictionAndRefusesToReplaceItsInputEvenWithOverwrite()
    {
        using var temp = new TempDirectory();
        string model = WriteModel(temp);
        string input = temp.File("scene.tif");
        File.Copy(Path.Combine(TestPaths.RepoRoot, "sample-data", "cbers_rgb342_crop1.tif"), input);
        var hashes = FileHashes.Of(input);

        var (code, output) = Run([model, input, temp.File("out/mask.tif"), "3"]);
        var (refused, message) = Run([model, input, input, "2", "--overwrite"]);

        Assert.True(code == 0, output);
        Assert.Contains("mosaic", output);
        using (var mask = GdalDataset.Open(temp.File("out/mask.tif")))
        using (var scene = GdalDataset.Open(input))
        {
            Assert.Equal((scene.Width, scene.Height, scene.GeoTransform), (mask.Width, mask.Height, mask.GeoTransform));
        }

        Assert.Equal(2, refused);
        Assert.Contains("the raster the shards were predicted from", message);
        Assert.Contains("never replaces an input", message);
        hashes.AssertUnchanged();
    }

    /// <summary>The demo's light network (3 bands: the sample scene's) with seeded weights, as a model.pth.</summary>
    private static string WriteModel(TempDirectory temp)
    {
        var description = new ModelDescription
        {
            Classes = ["water", "vegetation", "other"], InputBands = 3, Blocks = [1, 1, 1, 1], Width = 8,
            SourceStatistics = new BandStatistics([60, 70, 80], [30, 30, 30]), TargetStatistics = new BandStatistics([60, 70, 80], [30, 30, 30]),
        };
        torch.manual_seed(3);
        using DeepLabMulti network = description.CreateNetwork();
        string path = temp.File("model.pth");
        ModelPackage.Save(path, network, description);
        return path;
    }

    private static (int Code, string Output) Run(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet", ["run", "--project", Project, "-c", "Release", "--", .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(15)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the sample ran over 15 minutes");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
