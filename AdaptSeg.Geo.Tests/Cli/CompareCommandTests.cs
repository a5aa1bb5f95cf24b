using System.Globalization;
using System.Text.Json;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Visualisation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace AdaptSeg.Geo.Tests.Cli;

/// <summary><c>adaptseg compare --quick</c> end to end on the prepared sample pair: the table, the JSON and the chart say the same.</summary>
public sealed class CompareCommandTests(PreparedExperimentFixture prepared, ITestOutputHelper log) : IClassFixture<PreparedExperimentFixture>
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Compare_Quick_JsonTableAndChartAgreeWithTheRuns()
    {
        using var temp = new TempDirectory();
        string output = temp.File("compare");
        var (code, stdout, error) = await CliRunner.RunAsync("compare", "--quick", "--prepared", prepared.Folder, "--out", output, "--device", "cpu",
            "--set", "training.learningRate=0.002");
        Assert.True(code == 0, error);
        log.WriteLine(stdout);
        // --set reaches every run: the experiment every row trains from, and a run's effective config.json.
        using (JsonDocument experiment = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "experiment.json"))))
        {
            Assert.Equal(0.002, experiment.RootElement.GetProperty("training").GetProperty("learningRate").GetDouble());
        }

        string runConfig = Directory.GetFiles(output, "config.json", SearchOption.AllDirectories).First();
        using (JsonDocument effective = JsonDocument.Parse(File.ReadAllText(runConfig)))
        {
            Assert.Equal(0.002, effective.RootElement.GetProperty("training").GetProperty("learningRate").GetDouble());
        }

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "comparison.json")));
        JsonElement root = json.RootElement;
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        var runs = root.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["source-only", "adaptsegnet", "advent+minent", "fda", "self-training"], rows.Select(r => r.GetProperty("row").GetString()));
        Assert.Equal(10, runs.Count);
        int classes = root.GetProperty("classes").GetArrayLength();

        string markdown = File.ReadAllText(Path.Combine(output, "comparison.md"));
        Assert.Contains(markdown.Trim(), stdout.Replace("\r", "", StringComparison.Ordinal));
        Assert.Contains("no significant difference", markdown); // two seeds: every interval is wide
        Assert.Contains($"CPU ({AdaptSeg.Geo.Runtime.CpuInstructionSet.Describe()}", markdown);
        double Run(string row, int seed) => runs.Single(r => r.GetProperty("row").GetString() == row && r.GetProperty("seed").GetInt32() == seed).GetProperty("miou").GetDouble();

        using var chart = Image.Load<Rgb24>(Path.Combine(output, "comparison.png"));
        for (int i = 0; i < rows.Count; i++)
        {
            JsonElement row = rows[i];
            string name = row.GetProperty("row").GetString()!;
            double a = Run(name, 1), b = Run(name, 2);
            double mean = row.GetProperty("miou").GetDouble(), std = row.GetProperty("miouStd").GetDouble();

            // Summary = mean and sample std of the runs (each run's mIoU is the mean of its class IoUs).
            Assert.Equal((a + b) / 2, mean, 0.011);
            Assert.Equal(Math.Abs(a - b) / Math.Sqrt(2), std, 0.011);
            foreach (JsonElement run in runs.Where(r => r.GetProperty("row").GetString() == name))
            {
                // null: the class is in neither the reference nor the prediction (no IoU), left out of the mean as mIoU does.
                var iou = run.GetProperty("classIou").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToList();
                Assert.Equal(classes, iou.Count);
                Assert.Equal(iou.Where(v => !double.IsNaN(v)).Average(), run.GetProperty("miou").GetDouble(), 0.011);
            }

            // Paired differences to source-only and adaptsegnet, seed by seed, with the 95 % interval of
            // two seeds: mean ± t(0.975, 1) · std / √2, where std of two differences is |d1 - d2| / √2.
            var diffs = row.GetProperty("pairedDifferences").EnumerateArray().ToDictionary(d => d.GetProperty("reference").GetString()!);
            string[] references = name switch { "source-only" => [], "adaptsegnet" => ["source-only"], _ => ["source-only", "adaptsegnet"] };
            Assert.Equal(references, diffs.Keys);
            foreach (string reference in references)
            {
                double d1 = a - Run(reference, 1), d2 = b - Run(reference, 2);
                JsonElement diff = diffs[reference];
                Assert.Equal((d1 + d2) / 2, diff.GetProperty("mean").GetDouble(), 0.011);
                double half = 12.706204736 * Math.Abs(d1 - d2) / 2;
                Assert.Equal((d1 + d2) / 2 - half, diff.GetProperty("low").GetDouble(), 0.2);
                Assert.Equal((d1 + d2) / 2 + half, diff.GetProperty("high").GetDouble(), 0.2);
                Assert.Equal(diff.GetProperty("low").GetDouble() > 0 || diff.GetProperty("high").GetDouble() < 0, diff.GetProperty("significant").GetBoolean());
            }

            // The predicted shares of each run are those of the masks it wrote (no label involved).
            foreach (JsonElement run in runs.Where(r => r.GetProperty("row").GetString() == name))
            {
                byte[] mask = Raster.TestRasters.ReadAll<byte>(Path.Combine(output, "runs", $"{name.Replace('+', '-')}-seed{run.GetProperty("seed").GetInt32()}", "target-0.tif"));
                double classified = mask.Count(v => v != 255);
                var shares = run.GetProperty("predictedShares").EnumerateArray().Select(v => v.GetDouble()).ToList();
                for (int c = 0; c < classes; c++)
                {
                    Assert.Equal(100 * mask.Count(v => v == c) / classified, shares[c], 0.006);
                }
            }

            // The table line carries the same numbers (one decimal there, two in the JSON); the first
            // table is the scores, the second the class shares, each with a line per row.
            var lines = markdown.Split('\n').Where(l => l.StartsWith($"| {name} |", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, lines.Count);
            string[] cells = lines[0].Split('|', StringSplitOptions.TrimEntries);
            Assert.Equal(classes + 5 + 1, cells.Length);
            Assert.Equal(name == "source-only", !lines[1].Contains('(', StringComparison.Ordinal)); // the others show their change against source-only
            double[] cell = cells[2].Split('±').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(mean, cell[0], 0.051);
            Assert.Equal(std, cell[1], 0.051);

            // The chart's bar is as long as the mean says (the axis line covers its first column).
            int y = ComparisonChart.Top + i * ComparisonChart.RowPitch + 1, length = 1;
            while (chart[ComparisonChart.Left + length, y] == ComparisonChart.BarColour)
            {
                length++;
            }

            Assert.InRange(length, ComparisonChart.BarPixels(mean) - 1, ComparisonChart.BarPixels(mean) + 1);
        }

        // The self-training row trained on pseudo-labels kept beside, not in place of, the evaluation labels.
        string copy = Path.Combine(output, "runs", "self-training-seed1", "prepared");
        Assert.Single(Directory.GetFiles(Path.Combine(copy, "pseudo"), "*.tif"));
        Assert.Contains("\"trainingLabels\": \"pseudo/", File.ReadAllText(Path.Combine(copy, "prepared.json")));
        Assert.True(File.Exists(Path.Combine(output, ".adaptseg-compare")));
        string foreign = temp.File("foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "keep.txt"), "user data");
        (code, _, error) = await CliRunner.RunAsync("compare", "--quick", "--prepared", prepared.Folder, "--out", foreign, "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("is not a previous comparison output", error);
        Assert.Equal("user data", File.ReadAllText(Path.Combine(foreign, "keep.txt")));
    }

    [Fact]
    public async Task Compare_UnknownRowOrBadSeed_Exit2()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await CliRunner.RunAsync("compare", "--rows", "source-only,proda", "--prepared", prepared.Folder, "--out", temp.File("a"));
        Assert.Equal(2, code);
        Assert.Contains("row 'proda' is not", error);
        (code, _, error) = await CliRunner.RunAsync("compare", "--seeds", "1,x", "--prepared", prepared.Folder, "--out", temp.File("b"));
        Assert.Equal(2, code);
        Assert.Contains("--seeds: 'x' is not a whole number", error);
        (code, _, error) = await CliRunner.RunAsync("compare", "--set", "training.learningRat=0.001", "--prepared", prepared.Folder, "--out", temp.File("c"));
        Assert.Equal(2, code);
        Assert.Contains("$.training.learningRat: unknown key (did you mean 'learningRate'?)", error);
        Assert.False(Directory.Exists(Path.Combine(temp.File("c"), "runs")));
    }
}
