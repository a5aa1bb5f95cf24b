using System.Text.Json;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class Gta5CityscapesTrainingTests
{
    [Fact]
    public async Task Train_SyntheticGta5AndCityscapesLayouts_RunsAndWritesTheModel()
    {
        using var temp = new TempDirectory();
        string gta5 = temp.File("GTA5"), cityscapes = temp.File("Cityscapes");
        for (int i = 1; i <= 3; i++)
        {
            SyntheticPng.Rgb(Path.Combine(gta5, "images", $"0000{i}.png"), 40, 24, (x, y) => ((byte)(x * 5), (byte)(y * 9), (byte)(40 * i)));
            SyntheticPng.Palette(Path.Combine(gta5, "labels", $"0000{i}.png"), 40, 24, (x, _) => x < 20 ? (byte)7 : (byte)26);
            SyntheticPng.Rgb(Path.Combine(cityscapes, "leftImg8bit", "train", "aachen", $"aachen_000000_00000{i}_leftImg8bit.png"), 48, 24, (x, y) => ((byte)(y * 7), (byte)(x * 3), 90));
        }

        string config = temp.File("gta5.json");
        string json = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "sample-configs", "gta5-to-cityscapes.json"))
            .Replace("\"../data/GTA5\"", JsonSerializer.Serialize(gta5), StringComparison.Ordinal)
            .Replace("\"../data/Cityscapes\"", JsonSerializer.Serialize(cityscapes), StringComparison.Ordinal)
            .Replace("\"init\": \"../weights/DeepLab_resnet_pretrained_init-f81d91e8.pth\",", "\"blocks\": [1, 1, 1, 1], \"width\": 8,", StringComparison.Ordinal)
            .Replace("\"sourceSize\": [1280, 720]", "\"sourceSize\": [64, 32]", StringComparison.Ordinal)
            .Replace("\"targetSize\": [1024, 512]", "\"targetSize\": [64, 32]", StringComparison.Ordinal)
            .Replace("\"../runs/gta5-to-cityscapes\"", JsonSerializer.Serialize(temp.File("run")), StringComparison.Ordinal);
        File.WriteAllText(config, json);

        var (code, output, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "2", "--device", "cpu");
        Assert.True(code == 0, error + output);
        Assert.Contains("3 bands, 19 classes", output);
        Assert.True(File.Exists(Path.Combine(temp.File("run"), "model.pth")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(temp.File("run"), "log.jsonl")).Length);
    }

    [Fact]
    public void SampleConfig_IsCompleteAndItsOnlyProblemsAreTheDownloadsItNeeds()
    {
        string path = Path.Combine(TestPaths.RepoRoot, "sample-configs", "gta5-to-cityscapes.json");
        ExperimentConfig config = JsonConfigReader.Read<ExperimentConfig>(path);
        Assert.Equal(CityscapesLabels.ClassNames, config.Classes);
        Assert.Equal((150_000, 250_000, 1, 2.5e-4), (config.Training.Iterations, config.Training.ScheduleIterations, config.Training.BatchSize, config.Training.LearningRate));
        Assert.Equal([0.0002, 0.001], config.Training.LambdaAdv);
        Assert.Equal([1280, 720], config.Data.SourceSize);
        Assert.Equal([1024, 512], config.Data.TargetSize);

        var problems = ExperimentConfigValidator.Validate(config, Path.GetDirectoryName(path)!);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("$.data.gta5:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$.data.cityscapes:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$.model.init:", StringComparison.Ordinal) && p.Contains("DeepLab_resnet_pretrained_init-f81d91e8.pth"));
    }
}
