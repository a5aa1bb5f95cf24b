using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Tests.Config;

public sealed class ConfigOverrideTests
{
    private const string Experiment = """
        {
          // a comment, as the sample configs have
          "classes": ["water", "vegetation", "other"],
          "data": { "prepared": "p", "tileSize": 96 },
          "training": { "learningRate": 0.0025, "lambdaAdv": [0.0002, 0.001], "device": "auto", "adaptation": null },
        }
        """;

    private static ExperimentConfig Read(params string[] sets) =>
        JsonConfigReader.Parse<ExperimentConfig>(Experiment, "exp.json", [.. sets.Select(ConfigOverride.Parse)]);

    [Fact]
    public void Parse_ValuesAsJsonOrElseAString_AppliedBeforeTheTypedRead()
    {
        ExperimentConfig config = Read(
            "training.learningRate=1e-3", "training.lambdaAdv=[0.0005,0.002]", "training.device=cuda:1",
            "data.tileSize=128", "classes.2=built-up", "training.adaptation.fda.beta=0.05", "training.adaptation.entropy=robust");

        Assert.Equal(1e-3, config.Training.LearningRate);
        Assert.Equal([0.0005, 0.002], config.Training.LambdaAdv);
        Assert.Equal("cuda:1", config.Training.Device);
        Assert.Equal(128, config.Data.TileSize);
        Assert.Equal(["water", "vegetation", "built-up"], config.Classes);
        Assert.Equal(0.05, config.Training.Adaptation!.Fda!.Beta); // objects the file leaves null are made on the way
        Assert.Equal(EntropyTerm.Robust, config.Training.Adaptation.Entropy);
        Assert.Equal("p", config.Data.Prepared);
    }

    [Fact]
    public void Parse_UnknownKeyOrWrongTypeFromSet_TheFilesOwnMessageWithItsJsonPath()
    {
        var fromFile = Assert.Throws<ConfigException>(() => JsonConfigReader.Parse<ExperimentConfig>(
            Experiment.Replace("\"learningRate\": 0.0025", "\"learningRat\": 0.001, \"learningRate\": 0.0025", StringComparison.Ordinal)
                      .Replace("\"tileSize\": 96", "\"tileSize\": \"big\"", StringComparison.Ordinal), "exp.json"));
        var fromSet = Assert.Throws<ConfigException>(() => Read("training.learningRat=0.001", "data.tileSize=big"));

        Assert.Equal(fromFile.Problems.Order(), fromSet.Problems.Order());
        Assert.Contains("$.training.learningRat: unknown key (did you mean 'learningRate'?)", fromSet.Problems[0] + fromSet.Problems[1]);
        Assert.Contains("exp.json with ConfigOverride training.learningRat=0.001 ConfigOverride data.tileSize=big", fromSet.Message);
    }

    [Fact]
    public void Parse_PathThroughANumberOrPastAnArray_NamesTheJsonPath()
    {
        var e = Assert.Throws<ConfigException>(() => Read("training.learningRate.value=1", "classes.5=x"));
        Assert.Equal(2, e.Problems.Count);
        Assert.StartsWith("$.training.learningRate: ConfigOverride training.learningRate.value: this is a number, not an object", e.Problems[0]);
        Assert.StartsWith("$.classes[5]: ConfigOverride classes.5: the array has 3 item(s)", e.Problems[1]);
    }

    [Theory]
    [InlineData("training.learningRate")]
    [InlineData("=1")]
    [InlineData("training..learningRate=1")]
    public void Parse_NotKeyPathEqualsValue_SaysTheForm(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => ConfigOverride.Parse(text));
        Assert.Contains("key.path=value", e.Message);
    }

    [Fact]
    public void Parse_ValueWithEqualsSign_KeepsEverythingAfterTheFirst()
    {
        ConfigOverride o = ConfigOverride.Parse("output=runs/a=b");
        Assert.Equal("output", o.Path);
        Assert.Equal("runs/a=b", o.Value!.GetValue<string>());
        Assert.Equal("$.output", o.JsonPath);
    }
}
