using System.Text.Json;
using AdaptSeg.Geo.Experiments;

namespace AdaptSeg.Geo.Tests.Experiments;

/// <summary>The summaries, the table and the summary lines of a comparison, from runs made up for the purpose.</summary>
public sealed class ComparisonResultTests
{
    private static readonly string[] Classes = ["water", "vegetation", "other"];

    /// <summary>Source-only, adaptsegnet (a noisy change of about 0) and fda (clearly worse), five seeds; adaptsegnet moves "other" by 12 points.</summary>
    private static List<ComparisonRun> Runs()
    {
        double[] sourceOnly = [71.9, 68.0, 74.5, 70.2, 73.0];
        double[] adaptsegnet = [70.1, 72.2, 69.8, 71.5, 70.9];
        var runs = new List<ComparisonRun>();
        for (int s = 0; s < 5; s++)
        {
            int seed = s + 4;
            double jitter = s - 2; // -2..2 points of seed noise in the shares
            runs.Add(Run("source-only", seed, sourceOnly[s], [10, 55 + jitter, 35 - jitter]));
            runs.Add(Run("adaptsegnet", seed, adaptsegnet[s], [8 + (jitter / 2), 45 + jitter, 47 - jitter - (jitter / 2)]));
            runs.Add(Run("fda", seed, 5 + s, [90, 5, 5]));
        }

        return runs;
    }

    private static ComparisonRun Run(string row, int seed, double miou, double[] shares) =>
        new(row, seed, miou, [miou, miou, miou], shares, [16.1, 32.3, 51.6], 10, 12, $"/runs/{row}-{seed}/model.pth");

    [Fact]
    public void Summarise_FiveSeeds_PairedDifferencesAgainstSourceOnlyAndTheBaseline()
    {
        var result = new ComparisonResult(Classes, Runs(), "settings");
        ComparisonSummary adaptsegnet = result.Summaries.Single(s => s.Row == "adaptsegnet");

        PairedDifference vsSourceOnly = adaptsegnet.Against("source-only")!;
        Assert.Equal(PairedDifference.Of("source-only", [70.1 - 71.9, 72.2 - 68.0, 69.8 - 74.5, 71.5 - 70.2, 70.9 - 73.0]), vsSourceOnly);
        Assert.False(vsSourceOnly.Significant);
        Assert.Null(adaptsegnet.Against("adaptsegnet"));
        Assert.Empty(result.Summaries.Single(s => s.Row == "source-only").Differences); // adaptsegnet − source-only, not also its mirror
        Assert.True(result.Summaries.Single(s => s.Row == "fda").Against("source-only")!.Significant);
    }

    [Fact]
    public void ToMarkdown_IntervalContainsZero_TableAndSummarySayNoSignificantDifference()
    {
        string markdown = new ComparisonResult(Classes, Runs(), "settings").ToMarkdown();
        string[] lines = markdown.Split('\n');

        string header = lines.Single(l => l.StartsWith("| method |", StringComparison.Ordinal));
        Assert.Contains("paired Δ mIoU vs source-only [95 % CI]", header);
        Assert.Contains("paired Δ mIoU vs adaptsegnet [95 % CI]", header);
        string row = lines.First(l => l.StartsWith("| adaptsegnet |", StringComparison.Ordinal)); // the first table; the shares table follows
        Assert.Contains("no significant difference", row);
        Assert.DoesNotContain("no significant difference", lines.First(l => l.StartsWith("| fda |", StringComparison.Ordinal)));

        Assert.Contains(lines, l => l.StartsWith("- adaptsegnet − source-only: -0.6 [", StringComparison.Ordinal) && l.EndsWith("over 5 seeds: no significant difference.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("- fda − source-only:", StringComparison.Ordinal) && l.Contains("significantly lower", StringComparison.Ordinal));
        Assert.Contains("- No method is significantly better than source-only on these seeds.", lines);
        Assert.Contains("- Significantly worse than source-only: fda.", lines);
        Assert.Contains(lines, l => l.Contains("not corrected for the 3 comparisons", StringComparison.Ordinal));
    }

    [Fact]
    public void Summarise_ShareMovesMoreThanTheThreshold_ClassFlagged()
    {
        var result = new ComparisonResult(Classes, Runs(), "settings");
        ComparisonSummary adaptsegnet = result.Summaries.Single(s => s.Row == "adaptsegnet");

        // Per seed: water -2 + jitter/2, vegetation -10, other +12 - jitter/2; the jitter averages out.
        Assert.Equal([-2.0, -10.0, 12.0], adaptsegnet.ShareShifts!.Select(v => Math.Round(v, 9)));
        Assert.Equal([2], adaptsegnet.MovedClasses); // vegetation moved exactly 10: not more than the threshold
        Assert.Null(result.Summaries.Single(s => s.Row == "source-only").ShareShifts);
        Assert.Empty(result.Summaries.Single(s => s.Row == "source-only").MovedClasses);
        Assert.Equal([0, 1, 2], result.Summaries.Single(s => s.Row == "fda").MovedClasses);

        string shares = result.SharesMarkdown();
        Assert.Contains("| adaptsegnet | 8.0 (-2.0) | 45.0 (-10.0) | 47.0 (+12.0) | other +12.0 |", shares);
        Assert.Contains("| source-only | 10.0 | 55.0 | 35.0 | |", shares);
        Assert.Contains("| source labels (training tiles) | 16.1 | 32.3 | 51.6 | |", shares);
        Assert.Contains("moves by more than 10 points", shares);
    }

    [Fact]
    public void Summarise_LowerThreshold_FlagsTheSmallerMoveToo()
    {
        var result = new ComparisonResult(Classes, Runs(), "settings", shareShiftThreshold: 5);
        Assert.Equal([1, 2], result.Summaries.Single(s => s.Row == "adaptsegnet").MovedClasses);
        Assert.Contains("moved > 5 points", result.SharesMarkdown());
    }

    [Fact]
    public void ToJson_CarriesIntervalsSharesAndTheReferenceShares()
    {
        var result = new ComparisonResult(Classes, Runs(), "settings", referenceShares: [0, 65.6, 34.4]);
        using JsonDocument json = JsonDocument.Parse(result.ToJson());
        JsonElement row = json.RootElement.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("row").GetString() == "adaptsegnet");
        JsonElement d = row.GetProperty("pairedDifferences").EnumerateArray().Single(x => x.GetProperty("reference").GetString() == "source-only");
        Assert.False(d.GetProperty("significant").GetBoolean());
        Assert.True(d.GetProperty("low").GetDouble() < 0 && d.GetProperty("high").GetDouble() > 0);
        Assert.Equal(["other"], row.GetProperty("movedClasses").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(65.6, json.RootElement.GetProperty("referenceShares")[1].GetDouble());
        Assert.Contains("| target evaluation labels (scoring only) | 0.0 | 65.6 | 34.4 | |", result.ToMarkdown());
    }

    [Fact]
    public void SummaryLines_OneSeed_NoIntervalNoConclusion()
    {
        var runs = Runs().Where(r => r.Seed == 4).ToList();
        var result = new ComparisonResult(Classes, runs, "settings");
        Assert.Contains(result.SummaryLines(), l => l.StartsWith("adaptsegnet − source-only: -1.8 mIoU points over 1 seed: one seed, so no interval", StringComparison.Ordinal));
        Assert.DoesNotContain(result.SummaryLines(), l => l.Contains("not corrected", StringComparison.Ordinal));
    }
}
