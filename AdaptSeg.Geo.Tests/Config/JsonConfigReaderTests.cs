using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Tests.Config;

public sealed class JsonConfigReaderTests
{
    [Fact]
    public void Parse_SeveralProblems_ListsEveryOneWithItsJsonPath()
    {
        const string json = """
        {
          "classes": ["water", "vegetation", "other"],
          "data": { "prepared": "p", "tileSise": 128 },
          "model": { "depth": "deep" },
          "training": { "learningRate": 0.01, "mode": "sideways", "extra": 1 }
        }
        """;

        var e = Assert.Throws<ConfigException>(() => JsonConfigReader.Parse<ExperimentConfig>(json, "exp.json"));
        Assert.Equal(4, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.StartsWith("$.data.tileSise: unknown key (did you mean 'tileSize'?)", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.model.depth: expected a whole number, found the string \"deep\"", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.training.mode: expected one of \"adapted\", \"source-only\"", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.training.extra: unknown key", StringComparison.Ordinal));
        Assert.Contains("exp.json", e.Message);
    }

    [Fact]
    public void Parse_MissingRequiredKeys_NamesThem()
    {
        var e = Assert.Throws<ConfigException>(() => JsonConfigReader.Parse<ExperimentConfig>("{ }", "exp.json"));
        Assert.Equal(["$.classes: required, but missing.", "$.data: required, but missing."], e.Problems.Order());
    }

    [Fact]
    public void Parse_ValidFile_FillsDefaults()
    {
        var config = JsonConfigReader.Parse<ExperimentConfig>("""
        { "classes": ["a", "b"], "data": { "prepared": "x" }, "training": { "mode": "source-only", "ganLoss": "least-squares" } }
        """, "exp.json");
        Assert.Equal(TrainingMode.SourceOnly, config.Training.Mode);
        Assert.Equal(AdaptSeg.Geo.Config.GanLoss.LeastSquares, config.Training.GanLoss);
        Assert.Equal(2.5e-4, config.Training.LearningRate);
        Assert.Equal(101, config.Model.Depth);
    }

    [Fact]
    public void Parse_BrokenJson_SaysWhere()
    {
        var e = Assert.Throws<ConfigException>(() => JsonConfigReader.Parse<ExperimentConfig>("{ \"classes\": [ }", "exp.json"));
        Assert.Contains("not valid JSON (line 1", e.Problems[0]);
    }

    [Fact]
    public void Validate_BadValuesAndMissingFolder_ListsAll()
    {
        using var temp = new TestSupport.TempDirectory();
        var config = new ExperimentConfig
        {
            Classes = ["a", "a"],
            Data = new DataConfig { Prepared = "missing-folder", TileSize = 100 },
            Model = new ModelConfig { Depth = 34 },
            Training = new TrainingConfig { Iterations = 10, ScheduleIterations = 5, Device = "gpu" },
        };
        var problems = ExperimentConfigValidator.Validate(config, temp.Path);
        Assert.Contains(problems, p => p.StartsWith("$.classes: class names must be unique", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$.data.prepared: folder", StringComparison.Ordinal) && p.Contains("missing-folder"));
        Assert.Contains(problems, p => p.StartsWith("$.data.tileSize", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$.model.depth", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$.training.scheduleIterations", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$.training.device", StringComparison.Ordinal));
    }
}
