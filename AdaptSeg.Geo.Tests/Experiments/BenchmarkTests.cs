using AdaptSeg.Geo.Experiments;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Experiments;

/// <summary>The benchmarks behind <c>adaptseg bench</c>, called as a library user would.</summary>
[Collection(GdalSerialCollection.Name)]
public sealed class BenchmarkTests
{
    [Fact]
    public void Prediction_ModelFree_CountsTilesAndKeepsTheGivenFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "adaptseg-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var stages = new List<string>();
            int tileReports = 0;
            PredictionBenchmarkResult result = PredictionBenchmark.Run(new PredictionBenchmarkOptions
            {
                Size = 200, Bands = 2, Classes = 4, Folder = folder, Stitch = new StitchOptions { TileSize = 64 },
            }, new SynchronousProgress<PredictionBenchmarkProgress>(p =>
            {
                if (p.Stage is { } s)
                {
                    stages.Add(s);
                }
                else
                {
                    tileReports++;
                }
            }));

            PredictionBenchmarkRun run = Assert.Single(result.Runs);
            Assert.Equal(PredictionBenchmarkEngine.ModelFree, run.Engine);
            Assert.Equal(36, run.Tiles); // 200 px in 64-px tiles with the default overlap 32 (stride 32): 6 x 6
            Assert.Null(run.NetworkAlone);
            Assert.Empty(result.Agreements);
            Assert.Equal("", result.Network);
            Assert.True(tileReports > 0);
            Assert.Contains(stages, s => s.Contains("200x200x2 synthetic raster", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(folder, "bench-mask-none.tif")));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void Prediction_TwoEngines_TheSameNetworkAgreesAndTimesTheNetworkAlone()
    {
        PredictionBenchmarkResult result = PredictionBenchmark.Run(new PredictionBenchmarkOptions
        {
            Size = 96, Bands = 3, Classes = 3, Stitch = new StitchOptions { TileSize = 48, BatchSize = 2 },
            Engines = [PredictionBenchmarkEngine.TorchSharp, PredictionBenchmarkEngine.OnnxRuntime], Blocks = [1, 1, 1, 1], Width = 8,
        });

        Assert.Equal(2, result.Runs.Count);
        Assert.All(result.Runs, r => Assert.True(r.NetworkAlone > TimeSpan.Zero));
        PredictionBenchmarkAgreement agreement = Assert.Single(result.Agreements);
        Assert.Equal((PredictionBenchmarkEngine.OnnxRuntime, PredictionBenchmarkEngine.TorchSharp), (agreement.Engine, agreement.Reference));
        Assert.Equal(96L * 96, agreement.Total);
        Assert.True(agreement.Percent > 99.5, $"{agreement.Percent} %");
        Assert.Equal("blocks [1,1,1,1] width 8", result.Network);
    }

    [Fact]
    public void Prediction_BadOptions_ThrowNamingEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => PredictionBenchmark.Run(new PredictionBenchmarkOptions
        {
            Size = 0, Engines = [PredictionBenchmarkEngine.TorchSharp, PredictionBenchmarkEngine.TorchSharp],
        }));

        Assert.Contains("PredictionBenchmarkOptions.Size and Bands must be positive", e.Message);
        Assert.Contains("PredictionBenchmarkOptions.Engines must name at least one engine, each once", e.Message);
    }

    [Fact]
    public void Forward_SmallNetwork_ReportsEveryPassAndPerImageTimes()
    {
        var reports = new List<BenchmarkProgress>();
        ForwardBenchmarkResult result = ForwardBenchmark.Run(
            new ForwardBenchmarkOptions { Depth = 50, Size = 32, Classes = 2, Batch = 2, Iterations = 2, Warmup = 1 },
            new SynchronousProgress<BenchmarkProgress>(reports.Add));

        Assert.Equal([true, false, false], reports.Select(r => r.Warmup));
        Assert.Equal(2, result.MillisecondsPerImage.Count);
        Assert.True(result.Min <= result.Median && result.Median <= result.Max);
        Assert.Contains("ResNet-50 multi-level, 2 classes", result.Description);
        Assert.Contains("input 2x3x32x32 float32 on cpu", result.Description);
    }

    [Fact]
    public void Forward_BadDepth_ThrowsNamingTheProperty()
    {
        var e = Assert.Throws<ArgumentException>(() => ForwardBenchmark.Run(new ForwardBenchmarkOptions { Depth = 34 }));

        Assert.Contains("ForwardBenchmarkOptions.Depth 34 is not supported", e.Message);
    }
}
