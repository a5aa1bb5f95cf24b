using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Data;

public sealed class PrepareConfigReaderTests
{
    private static string SampleConfig => Path.Combine(TestPaths.RepoRoot, "sample-configs", "prepare-olinda-to-cbers.json");

    [Fact]
    public void Load_SampleConfig_ResolvesPathsAndBandMaps()
    {
        PrepareConfig config = PrepareConfigReader.Load(SampleConfig);
        Assert.Equal(["water", "vegetation", "other"], config.Classes);
        SceneConfig source = Assert.Single(config.Source.Scenes);
        Assert.Equal(TestPaths.SampleData("L7_ETMs.tif"), source.Image);
        Assert.Equal([3, 4, 2], source.Bands);
        Assert.Equal([1, 2, 3], Assert.Single(config.Target.Scenes).Bands);
        Assert.Equal(256, config.TileSize);
    }

    [Fact]
    public void Parse_SeveralMistakes_AllReportedAtOnceWithJsonPaths()
    {
        const string json = """
            {
              "clases": ["water"],
              "tileSize": "big",
              "target": { "name": "t", "scenes": [ { "name": "a", "image": "x.tif", "bands": [1, "2"] } ] }
            }
            """;
        var e = Assert.Throws<PrepareConfigException>(() => PrepareConfigReader.Parse(json, TestPaths.RepoRoot, "cfg.json"));
        Assert.Contains(e.Problems, p => p.StartsWith("$.clases: unknown key (did you mean 'classes'?)", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.tileSize: expected a whole number", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.target.scenes[0].bands[1]: expected a whole number", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p == "$.classes: required, but missing.");
        Assert.Contains(e.Problems, p => p == "$.source: required, but missing.");
        Assert.Contains("cfg.json", e.Message);
    }

    [Fact]
    public void Parse_BandMapCountsDiffer_ReportsMismatchBetweenDomains()
    {
        string json = Config(sourceBands: "[3, 4]", targetBands: "[1, 2, 3]");
        var e = Assert.Throws<PrepareConfigException>(() => PrepareConfigReader.Parse(json, TestPaths.RepoRoot));
        Assert.Contains(e.Problems, p => p.Contains("band map mismatch", StringComparison.Ordinal) && p.Contains("$.source.scenes[0].bands has 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_MissingFilesAndDuplicateNames_ReportedWithPaths()
    {
        string json = Config(sourceBands: "[1]", targetBands: "[1]").Replace("sample-data/cbers_rgb342_crop1.tif", "sample-data/nope.tif", StringComparison.Ordinal)
            .Replace("\"name\": \"tgt\"", "\"name\": \"src\"", StringComparison.Ordinal);
        var e = Assert.Throws<PrepareConfigException>(() => PrepareConfigReader.Parse(json, TestPaths.RepoRoot));
        Assert.Contains(e.Problems, p => p.StartsWith("$.target.scenes[0].image: '", StringComparison.Ordinal) && p.Contains("nope.tif", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.target.scenes[0].name: scene name 'src' is used twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_VectorLabelsWithoutField_AsksForLabelField()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("labels.geojson"), """{"type":"FeatureCollection","features":[]}""");
        string json = Config("[1]", "[1]").Replace("sample-data/L7_ETMs_labels.tif", temp.File("labels.geojson"), StringComparison.Ordinal);
        var e = Assert.Throws<PrepareConfigException>(() => PrepareConfigReader.Parse(json, TestPaths.RepoRoot));
        Assert.Contains(e.Problems, p => p.StartsWith("$.source.scenes[0].labelField:", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_TrainingLabels_TargetOnlyExistingRasterApartFromEvaluationLabels()
    {
        string ok = Config("[1]", "[1]").Replace("\"bands\": [1] } ] }\n}", "\"bands\": [1], \"trainingLabels\": \"sample-data/cbers_rgb342_crop1_labels.tif\" } ] }\n}", StringComparison.Ordinal);
        Assert.Contains("trainingLabels", ok);
        PrepareConfig config = PrepareConfigReader.Parse(ok, TestPaths.RepoRoot);
        Assert.Equal(TestPaths.SampleData("cbers_rgb342_crop1_labels.tif"), config.Target.Scenes[0].TrainingLabels);
        Assert.Null(config.Target.Scenes[0].Labels);

        string bad = Config("[1]", "[1]")
            .Replace("\"labels\": \"sample-data/L7_ETMs_labels.tif\"", "\"labels\": \"sample-data/L7_ETMs_labels.tif\", \"trainingLabels\": \"sample-data/L7_ETMs_labels.tif\"", StringComparison.Ordinal)
            .Replace("\"bands\": [1] } ] }\n}", "\"bands\": [1], \"labels\": \"sample-data/cbers_rgb342_crop1_labels.tif\", \"trainingLabels\": \"sample-data/cbers_rgb342_crop1_labels.tif\" } ] }\n}", StringComparison.Ordinal);
        var e = Assert.Throws<PrepareConfigException>(() => PrepareConfigReader.Parse(bad, TestPaths.RepoRoot));
        Assert.Contains(e.Problems, p => p.StartsWith("$.source.scenes[0].trainingLabels: source scenes train on their 'labels'", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.target.scenes[0].trainingLabels:", StringComparison.Ordinal) && p.Contains("evaluation 'labels'", StringComparison.Ordinal));

        string missing = ok.Replace("crop1_labels.tif", "pseudo-missing.tif", StringComparison.Ordinal);
        e = Assert.Throws<PrepareConfigException>(() => PrepareConfigReader.Parse(missing, TestPaths.RepoRoot));
        Assert.Contains(e.Problems, p => p.StartsWith("$.target.scenes[0].trainingLabels:", StringComparison.Ordinal) && p.Contains("adaptseg pseudo-label", StringComparison.Ordinal));
    }

    private static string Config(string sourceBands, string targetBands) => $$"""
        {
          "classes": ["water", "vegetation", "other"],
          "source": { "name": "s", "scenes": [ { "name": "src", "image": "sample-data/L7_ETMs.tif", "bands": {{sourceBands}}, "labels": "sample-data/L7_ETMs_labels.tif" } ] },
          "target": { "name": "t", "scenes": [ { "name": "tgt", "image": "sample-data/cbers_rgb342_crop1.tif", "bands": {{targetBands}} } ] }
        }
        """;
}
