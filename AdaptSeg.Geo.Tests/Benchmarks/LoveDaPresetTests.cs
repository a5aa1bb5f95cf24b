using System.Text.Json;
using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Benchmarks;

/// <summary>The two LoveDA presets: the official AdaptSegNet protocol of the LoveDA code, and a few CPU iterations of each.</summary>
public sealed class LoveDaPresetTests
{
    [Theory]
    [InlineData("loveda-rural-to-urban.json", LoveDaDomain.Rural, LoveDaDomain.Urban, 0)]     // 2urban.py: PREHEAT_STEPS = 0
    [InlineData("loveda-urban-to-rural.json", LoveDaDomain.Urban, LoveDaDomain.Rural, 750)]   // 2rural.py: NUM_STEPS / 20
    public void Preset_HasTheLoveDaCodesSettingsAndOnlyLacksItsDownloads(string file, LoveDaDomain source, LoveDaDomain target, int warmup)
    {
        string path = Path.Combine(TestPaths.RepoRoot, "sample-configs", file);
        ExperimentConfig config = JsonConfigReader.Read<ExperimentConfig>(path);

        Assert.Equal(LoveDaClasses.Names, config.Classes);
        Assert.Equal((source, target, LoveDaSplit.Train, LoveDaSplit.Val, 512), (config.Data.Loveda!.Source, config.Data.Loveda.Target, config.Data.Loveda.SourceSplit, config.Data.Loveda.TargetSplit, config.Data.Loveda.CropSize));
        Assert.Equal((BackboneKind.TorchvisionResNet, 50, 16, true, true), (config.Model.Backbone, config.Model.Depth, config.Model.OutputStride, config.Model.AsppAllBranches, config.Model.TrainableBatchNorm));
        Assert.Equal(["red", "green", "blue"], config.Model.Init!.Bands);
        TrainingConfig t = config.Training;
        Assert.Equal((8, 1, 5e-3, 1.0, 10_000, 15_000, warmup, 35.0, 1e-4, 2333), (t.BatchSize, t.IterSize, t.LearningRate, t.HeadLearningRateFactor, t.Iterations, t.ScheduleIterations, t.WarmupIterations, t.GradientClipNorm!.Value, t.DiscriminatorLearningRate, t.Seed));
        Assert.Equal([0.1, 1.0], t.LambdaSeg);
        Assert.Equal([0.0002, 0.001], t.LambdaAdv);

        var problems = ExperimentConfigValidator.Validate(config, Path.GetDirectoryName(path)!);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("$.data.loveda.root:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$.model.init", StringComparison.Ordinal) && p.Contains("resnet50-19c8e357.pth"));
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("loveda-rural-to-urban.json", LoveDaDomain.Rural, LoveDaDomain.Urban)]
    [InlineData("loveda-urban-to-rural.json", LoveDaDomain.Urban, LoveDaDomain.Rural)]
    public async Task Preset_AFewCpuIterationsOnASyntheticLayout_TrainFromTorchvisionWeightsAndScore(string file, LoveDaDomain source, LoveDaDomain target)
    {
        using var temp = new TempDirectory();
        string root = temp.File("LoveDA");
        SyntheticLoveDa.Write(root, LoveDaSplit.Train, source, count: 3, size: 96);
        SyntheticLoveDa.Write(root, LoveDaSplit.Val, target, count: 3, size: 96);
        // The preset as it is, but for the data, the init file (torchvision names: conv1, bn1 and layer1 of ResNet-50,
        // in PyTorch's legacy format under 'module.') and a CPU-sized run: 64-px crops, 2 images a domain, 2 iterations.
        string json = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "sample-configs", file))
            .Replace("\"../data/LoveDA\"", JsonSerializer.Serialize(root), StringComparison.Ordinal)
            .Replace("\"../weights/resnet50-19c8e357.pth\"", JsonSerializer.Serialize(TestPaths.Fixture("torchvision_resnet50_partial_formula_legacy.pth")), StringComparison.Ordinal)
            .Replace("\"cropSize\": 512", "\"cropSize\": 64", StringComparison.Ordinal)
            .Replace("\"batchSize\": 8", "\"batchSize\": 2", StringComparison.Ordinal)
            .Replace("\"loaderThreads\": 4", "\"loaderThreads\": 0", StringComparison.Ordinal)
            .Replace("\"device\": \"cuda\"", "\"device\": \"cpu\"", StringComparison.Ordinal)
            .Replace($"\"../runs/{Path.GetFileNameWithoutExtension(file)}\"", JsonSerializer.Serialize(temp.File("run")), StringComparison.Ordinal);
        string config = temp.File(file);
        File.WriteAllText(config, json);

        var (code, output, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "2");
        Assert.True(code == 0, error + output);
        Assert.Contains("3 bands, 7 classes", output);
        Assert.Contains("red", output); // the band mapping of the init is printed
        string model = temp.File(Path.Combine("run", "model.pth"));
        Assert.Equal(2, File.ReadAllLines(temp.File(Path.Combine("run", "log.jsonl"))).Length);

        (code, output, error) = await CliRunner.RunAsync("evaluate-loveda", "--checkpoint", model, "--loveda", root, "--domain", target.ToString().ToLowerInvariant(), "--device", "cpu");
        Assert.True(code == 0, error + output);
        Assert.Contains("agriculture", output);
    }
}
