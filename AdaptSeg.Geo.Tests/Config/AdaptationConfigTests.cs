using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Tests.Config;

/// <summary>training.adaptation, training.selfTraining and the presets: reading and validation.</summary>
public sealed class AdaptationConfigTests
{
    private static ExperimentConfig Parse(string training, int tileSize = 96) => JsonConfigReader.Parse<ExperimentConfig>(
        $$"""{ "classes": ["a", "b"], "data": { "prepared": ".", "tileSize": {{tileSize}} }, "training": { {{training}} } }""", "test.json");

    [Fact]
    public void Read_AdaptationBlock_KebabCaseValuesAndNestedFda()
    {
        ExperimentConfig config = Parse("""
            "adaptation": { "discriminatorInput": "self-information", "entropy": "robust", "fromIteration": 7, "fda": { "beta": 0.05 } }
            """);
        AdaptationConfig a = config.Training.Adaptation!;
        Assert.Equal((DiscriminatorInput.SelfInformation, EntropyTerm.Robust, 7, 0.05), (a.DiscriminatorInput, a.Entropy, a.EntropyStart(300), a.Fda!.Beta));
        Assert.Equal([0.0, 0.005], a.EntropyWeights());
        Assert.Empty(ExperimentConfigValidator.Validate(config, Directory.GetCurrentDirectory()));
    }

    [Fact]
    public void Read_UnknownEntropyName_ListsTheChoices()
    {
        var e = Assert.Throws<ConfigException>(() => Parse("""  "adaptation": { "entropy": "maxent" }  """));
        Assert.Contains("$.training.adaptation.entropy: expected one of \"none\", \"minent\", \"robust\"", e.Message);
    }

    [Fact]
    public void Validate_FdaBetaTooSmallForTheTiles_NamesTheSmallestBetaThatWorks()
    {
        var problems = ExperimentConfigValidator.Validate(Parse("""  "adaptation": { "fda": { "beta": 0.01 } }  """), Directory.GetCurrentDirectory());
        Assert.Contains(problems, p => p.StartsWith("$.training.adaptation.fda.beta: 0.01 swaps no frequency on 96-px tiles", StringComparison.Ordinal) && p.Contains("use beta >= 0.011"));
        Assert.Empty(ExperimentConfigValidator.Validate(Parse("""  "adaptation": { "fda": { "beta": 0.01 } }  """, tileSize: 128), Directory.GetCurrentDirectory()));
    }

    [Fact]
    public void Validate_SelfTrainingWithoutInitOrWithZeroWeights_IsRefused()
    {
        var problems = ExperimentConfigValidator.Validate(
            Parse("""  "mode": "self-training", "selfTraining": { "sourceWeight": 0, "targetWeight": 0 }  """), Directory.GetCurrentDirectory());
        Assert.Contains(problems, p => p.StartsWith("$.model.init: self-training starts from a trained model", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$.training.selfTraining:", StringComparison.Ordinal));
    }

    [Fact]
    public void AdaptationInForce_ByMode_AdaptSegNetByDefaultNothingForSourceOnlyOrBareSelfTraining()
    {
        Assert.Equal(new AdaptationConfig(), Parse("\"mode\": \"adapted\"").Training.AdaptationInForce());
        Assert.Null(Parse("\"mode\": \"source-only\"").Training.AdaptationInForce());
        Assert.Null(Parse("\"mode\": \"self-training\"").Training.AdaptationInForce());
        Assert.Equal(EntropyTerm.Robust, Parse("\"mode\": \"self-training\", \"adaptation\": { \"entropy\": \"robust\" }").Training.AdaptationInForce()!.Entropy);
    }

    [Fact]
    public void Presets_TheSixMethods_AsTheIssueDefinesThem()
    {
        Assert.Equal(["adaptsegnet", "advent", "minent", "advent+minent", "fda", "fda+adaptsegnet"], AdaptationPresets.Names);
        string Shape(string name)
        {
            AdaptationConfig a = AdaptationPresets.Get(name);
            return $"{a.DiscriminatorInput}/{a.Entropy}/{a.Fda?.Beta}";
        }

        Assert.Equal("Softmax/None/", Shape("adaptsegnet"));
        Assert.Equal("SelfInformation/None/", Shape("advent"));
        Assert.Equal("None/Minent/", Shape("minent"));
        Assert.Equal("SelfInformation/Minent/", Shape("advent+minent"));
        Assert.Equal("None/Robust/0.05", Shape("fda"));
        Assert.Equal("Softmax/Robust/0.05", Shape("fda+adaptsegnet"));
        Assert.Equal(0, AdaptationPresets.Get("minent").EntropyStart(300));
        Assert.Equal(100, AdaptationPresets.Get("fda").EntropyStart(300));
        Assert.Throws<ArgumentException>(() => AdaptationPresets.Get("proda"));
    }
}
