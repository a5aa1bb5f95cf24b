using System.Text.Json;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Config;

/// <summary>The <c>model</c> block: backbone, output stride, trainable batch norm, and model.init as a path or { path, bands }.</summary>
public sealed class ModelConfigTests
{
    private static ExperimentConfig Parse(string model) =>
        JsonConfigReader.Parse<ExperimentConfig>($$"""{ "classes": ["a", "b"], "data": { "prepared": "x" }, "model": {{model}} }""", "exp.json");

    [Fact]
    public void Parse_NoBackbone_TheDeepLabV2NetworkAtOutputStride8WithFrozenBatchNorm()
    {
        ExperimentConfig config = Parse("{ }");

        Assert.Equal(BackboneKind.DeepLabV2ResNet, config.Model.Backbone);
        Assert.Equal(8, config.Model.OutputStride);
        Assert.False(config.Model.TrainableBatchNorm);
        Assert.Null(config.Model.Init);
    }

    [Fact]
    public void Parse_TorchvisionBackboneAndInitObject_ReadsEveryKey()
    {
        ExperimentConfig config = Parse("""
            { "backbone": "torchvision-resnet", "depth": 50, "outputStride": 16, "trainableBatchNorm": true,
              "init": { "path": "resnet50.pth", "bands": ["red", "green", "blue"] } }
            """);

        Assert.Equal(BackboneKind.TorchvisionResNet, config.Model.Backbone);
        Assert.Equal(16, config.Model.OutputStride);
        Assert.True(config.Model.TrainableBatchNorm);
        Assert.Equal("resnet50.pth", config.Model.Init!.Path);
        Assert.Equal(["red", "green", "blue"], config.Model.Init.Bands);
    }

    [Fact]
    public void Parse_InitAsString_IsThePathWithoutBands()
    {
        ExperimentConfig config = Parse("""{ "init": "DeepLab_resnet_pretrained_init-f81d91e8.pth" }""");

        Assert.Equal("DeepLab_resnet_pretrained_init-f81d91e8.pth", config.Model.Init!.Path);
        Assert.Null(config.Model.Init.Bands);
    }

    [Theory]
    [InlineData("""{ "path": "x.pth" }""")]
    [InlineData("""{ "path": "x.pth", "bands": ["red", "nir"] }""")]
    public void Serialize_EffectiveConfig_ReadsBackTheSameInit(string init)
    {
        ExperimentConfig config = Parse($$"""{ "backbone": "torchvision-resnet", "init": {{init}} }""");

        string json = JsonSerializer.Serialize(config, JsonConfigReader.Options);
        ExperimentConfig back = JsonConfigReader.Parse<ExperimentConfig>(json, "effective.json");

        Assert.Equal(config.Model.Init!.Path, back.Model.Init!.Path);
        Assert.Equal(config.Model.Init.Bands, back.Model.Init.Bands);
        Assert.Contains("\"backbone\": \"torchvision-resnet\"", json);
        Assert.Contains(config.Model.Init.Bands is null ? "\"init\": \"x.pth\"" : "\"bands\": [", json);
    }

    [Fact]
    public void Parse_BadInitAndBackbone_EveryProblemWithItsJsonPath()
    {
        var e = Assert.Throws<ConfigException>(() => Parse("""
            { "backbone": "resnet", "outputStride": "16", "trainableBatchNorm": 1,
              "init": { "file": "x.pth", "bands": ["red", 3] } }
            """));

        Assert.Contains(e.Problems, p => p.StartsWith("$.model.backbone: expected one of \"deeplabv2-resnet\", \"torchvision-resnet\"", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.model.outputStride: expected a whole number", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.model.trainableBatchNorm: expected true or false", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.model.init.file: unknown key", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.model.init.path: required, but missing.", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.model.init.bands[1]: expected a string", StringComparison.Ordinal));
        Assert.Equal(6, e.Problems.Count);
    }

    [Fact]
    public void Parse_InitOfTheWrongType_SaysAStringOrAnObject()
    {
        var e = Assert.Throws<ConfigException>(() => Parse("""{ "init": 3 }"""));

        Assert.Equal("$.model.init: expected a string (path) or an object {...}, found the number 3.", Assert.Single(e.Problems));
    }

    [Theory]
    [InlineData("""{ "outputStride": 16 }""", "$.model.outputStride: 16 needs model.backbone \"torchvision-resnet\"")]
    [InlineData("""{ "backbone": "torchvision-resnet", "outputStride": 32 }""", "$.model.outputStride: 32 is not supported")]
    [InlineData("""{ "init": { "path": "w.pth", "bands": ["red", "Red"] } }""", "$.model.init.bands[1]: 'Red' is named twice")]
    [InlineData("""{ "init": { "path": "w.pth", "bands": [" "] } }""", "$.model.init.bands[0]: a band name must not be empty")]
    [InlineData("""{ "init": { "path": "missing.pth" } }""", "$.model.init: file '")]
    public void Validate_BadModelValues_ReportedWithTheirJsonPath(string model, string expected)
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.File("x"));
        File.WriteAllBytes(temp.File("w.pth"), [0]);
        ExperimentConfig config = Parse(model);

        IReadOnlyList<string> problems = ExperimentConfigValidator.Validate(config, temp.Path);

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }
}
