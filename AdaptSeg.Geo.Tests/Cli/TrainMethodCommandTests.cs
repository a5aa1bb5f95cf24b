using System.Text.Json;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Cli;

/// <summary><c>train --method</c>, <c>--mode self-training</c> and model.init from a trained model.pth.</summary>
public sealed class TrainMethodCommandTests(PreparedExperimentFixture prepared) : IClassFixture<PreparedExperimentFixture>
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Train_MethodPreset_TrainsAndRecordsThePresetInTheEffectiveConfig()
    {
        string config = prepared.WriteExperiment("fda-adaptsegnet");
        var (code, output, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "2", "--method", "fda+adaptsegnet", "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Contains("discriminators: softmax, entropy: robust, FDA: beta 0.05", output);
        using JsonDocument effective = JsonDocument.Parse(File.ReadAllText(Path.Combine(prepared.RunFolder("fda-adaptsegnet"), "config.json")));
        JsonElement adaptation = effective.RootElement.GetProperty("training").GetProperty("adaptation");
        Assert.Equal("robust", adaptation.GetProperty("entropy").GetString());
        Assert.Equal(0.05, adaptation.GetProperty("fda").GetProperty("beta").GetDouble());
        Assert.True(File.Exists(Path.Combine(prepared.RunFolder("fda-adaptsegnet"), "model.pth")));
    }

    [Fact]
    public async Task Train_UnknownMethod_Exit2ListingThePresets()
    {
        var (code, _, error) = await CliRunner.RunAsync("train", "--config", prepared.WriteExperiment("proda"), "--method", "proda");
        Assert.Equal(2, code);
        Assert.Contains("adaptsegnet, advent, minent, advent+minent, fda, fda+adaptsegnet", error);
        Assert.False(Directory.Exists(prepared.RunFolder("proda")));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Train_InitFromATrainedModelPth_LoadsEveryTensorOfTheLightNetwork_SelfTrainingWithoutPseudoLabelsExit2()
    {
        var (code, _, error) = await CliRunner.RunAsync("train", "--config", prepared.WriteExperiment("first"), "--iterations", "1", "--device", "cpu");
        Assert.True(code == 0, error);
        string model = Path.Combine(prepared.RunFolder("first"), "model.pth");
        string init = $"\"width\": 16, \"init\": {JsonSerializer.Serialize(model)},";

        string second = prepared.WriteExperiment("second", json => json.Replace("\"width\": 16,", init, StringComparison.Ordinal));
        string output;
        (code, output, error) = await CliRunner.RunAsync("train", "--config", second, "--iterations", "1", "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Matches(@"loaded \d+, skipped 0, not initialised 0", output); // a model.pth of this network initialises every tensor

        string self = prepared.WriteExperiment("self", json => json.Replace("\"width\": 16,", init, StringComparison.Ordinal));
        (code, _, error) = await CliRunner.RunAsync("train", "--config", self, "--iterations", "1", "--mode", "self-training", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("Self-training needs training labels on every target scene", error);
        Assert.False(Directory.Exists(prepared.RunFolder("self")));
    }
}
