using System.Text.Json;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class LoveDaTrainingTests
{
    [Fact]
    public async Task Train_SyntheticLoveDaLayout_RunsWithWarmupAndClippingAndRecordsTheNormalisation()
    {
        using var temp = new TempDirectory();
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Train, LoveDaDomain.Rural, count: 3, size: 48);
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, count: 3, size: 48, masks: false);
        string config = temp.File("loveda.json");
        File.WriteAllText(config, $$"""
            {
              "classes": ["background", "building", "road", "water", "barren", "forest", "agriculture"],
              "data": { "loveda": { "root": {{JsonSerializer.Serialize(temp.Path)}}, "source": "rural", "target": "urban", "cropSize": 32 }, "loaderThreads": 0 },
              "model": { "blocks": [1, 1, 1, 1], "width": 8 },
              "training": {
                "iterations": 3, "scheduleIterations": 15, "batchSize": 2, "learningRate": 5e-3, "headLearningRateFactor": 1,
                "warmupIterations": 2, "gradientClipNorm": 35, "checkpointEvery": 3, "device": "cpu"
              },
              "output": "run"
            }
            """);

        var (code, output, error) = await CliRunner.RunAsync("train", "--config", config);

        Assert.True(code == 0, error + output);
        string[] log = File.ReadAllLines(temp.File(Path.Combine("run", "log.jsonl")));
        Assert.Equal(3, log.Length);
        double[] rates = [.. log.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("learningRate").GetDouble())];
        Assert.Equal(0.0, rates[0]);                          // warm-up starts at zero
        Assert.Equal(2.5e-3, rates[1], 12);                   // 5e-3 x 1 / 2
        Assert.Equal(5e-3 * Math.Pow(1 - (2.0 / 15), 0.9), rates[2], 12);
        string model = File.ReadAllText(temp.File(Path.Combine("run", "model.pth")), System.Text.Encoding.Latin1);
        Assert.Contains("123.675", model);                    // ImageNet normalisation recorded for predict
    }

    [Fact]
    public async Task Train_LoveDaTargetSameAsSource_ExitsTwoNamingTheKey()
    {
        using var temp = new TempDirectory();
        string config = temp.File("bad.json");
        File.WriteAllText(config, $$"""
            {
              "classes": ["background", "building", "road", "water", "barren", "forest", "agriculture"],
              "data": { "loveda": { "root": {{JsonSerializer.Serialize(temp.Path)}}, "source": "urban", "target": "urban" } },
              "training": { "device": "cpu" }
            }
            """);

        var (code, _, error) = await CliRunner.RunAsync("train", "--config", config);

        Assert.Equal(2, code);
        Assert.Contains("$.data.loveda.target", error);
    }
}
