using System.Text.Json.Nodes;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Data;

/// <summary>Band names per domain: from the prepare config to the manifest and back, and the notes they give.</summary>
public sealed class BandNamesTests(PreparedSampleFixture sample) : IClassFixture<PreparedSampleFixture>
{
    [Fact]
    public void Run_SampleConfig_RecordsEachDomainsBandNamesInTheManifest()
    {
        PreparedDataset d = sample.Dataset;

        Assert.Equal(["red", "nir", "green"], d.Source.BandNames);
        Assert.Equal(["red", "nir", "green"], d.Target.BandNames);
        Assert.Equal(["red", "nir", "green"], d.BandNames);
        Assert.Empty(d.BandNameNotes());
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(d.Folder, "prepared.json")))!;
        Assert.Equal("nir", manifest["source"]!["bandNames"]![1]!.GetValue<string>());
        Assert.Equal("green", manifest["target"]!["bandNames"]![2]!.GetValue<string>());
    }

    [Fact]
    public void Load_ManifestWithOnlyTheDatasetsNames_BothDomainsTakeThem()
    {
        using var temp = new TempDirectory();
        string copy = temp.File("prepared");
        CopyFolder(sample.Dataset.Folder, copy);
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(copy, "prepared.json")))!;
        manifest["source"]!.AsObject().Remove("bandNames");
        manifest["target"]!.AsObject().Remove("bandNames");
        manifest["bandNames"] = new JsonArray("red", "green", "blue");
        File.WriteAllText(Path.Combine(copy, "prepared.json"), manifest.ToJsonString());

        PreparedDataset d = PreparedDataset.Load(copy);

        Assert.Equal(["red", "green", "blue"], d.Source.BandNames);
        Assert.Equal(["red", "green", "blue"], d.Target.BandNames);
    }

    [Fact]
    public void BandNameNotes_UnknownAndDifferingNames_SayWhatFollowsAndWhatToDo()
    {
        PreparedDomain Domain(string name, IReadOnlyList<string>? names) =>
            new(name, [], new BandStatistics([0, 0, 0], [1, 1, 1])) { BandNames = names };

        var unknown = new PreparedDataset("p", ["a"], 3, Domain("landsat", ["red", "nir", "green"]), Domain("cbers", null), "", 1);
        var differing = new PreparedDataset("p", ["a"], 3, Domain("landsat", ["red", "nir", "green"]), Domain("cbers", ["red", "green", "nir"]), "", 1);

        string note = Assert.Single(unknown.BandNameNotes());
        Assert.Contains("domain 'cbers' are unknown", note);
        Assert.Contains("by position", note);
        Assert.Equal(2, differing.BandNameNotes().Count);
        Assert.Contains("channel 2 is 'nir' in the source but 'green' in the target", differing.BandNameNotes()[0]);
    }

    [Theory]
    [InlineData("\"bandNames\": [\"red\", \"nir\"],", "$.bandNames: 2 name(s) for 3 channel(s)")]
    [InlineData("\"bandNames\": [\"red\", \"NIR\", \"nir\"],", "$.bandNames[2]: 'nir' is named twice")]
    public void Parse_BadDatasetBandNames_ReportedWithTheirJsonPath(string names, string expected)
    {
        string json = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "sample-configs", "prepare-olinda-to-cbers.json"))
            .Replace("\"tileSize\": 256,", $"\"tileSize\": 256, {names}", StringComparison.Ordinal);

        var e = Assert.Throws<PrepareConfigException>(() => PrepareConfigReader.Parse(json, Path.Combine(TestPaths.RepoRoot, "sample-configs")));

        Assert.Contains(e.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DomainBandNamesOfTheWrongCount_ReportedAtTheDomain()
    {
        string json = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "sample-configs", "prepare-olinda-to-cbers.json"))
            .Replace("\"bandNames\": [\"red\", \"nir\", \"green\"],\n    \"scenes\": [\n      {\n        \"name\": \"cbers", "\"bandNames\": [\"red\"],\n    \"scenes\": [\n      {\n        \"name\": \"cbers", StringComparison.Ordinal);

        var e = Assert.Throws<PrepareConfigException>(() => PrepareConfigReader.Parse(json, Path.Combine(TestPaths.RepoRoot, "sample-configs")));

        Assert.Contains(e.Problems, p => p.StartsWith("$.target.bandNames: 1 name(s) for 3 channel(s)", StringComparison.Ordinal));
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
