using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// What a comparison measured: every run and, per row, mean ± standard deviation over the seeds and
/// the paired per-seed difference to the baseline; as JSON and as a README-ready Markdown table.
/// </summary>
public sealed class ComparisonResult
{
    public ComparisonResult(IReadOnlyList<string> classes, IReadOnlyList<ComparisonRun> runs, string settings)
    {
        Classes = classes;
        Runs = runs;
        Settings = settings;
        Summaries = Summarise(runs, classes.Count);
    }

    /// <summary>Class names, in label order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Every run (row x seed), in the order run.</summary>
    public IReadOnlyList<ComparisonRun> Runs { get; }

    /// <summary>One line on how the runs were made (data, network, iterations, tiles, seeds).</summary>
    public string Settings { get; }

    /// <summary>Per row, in the order of first appearance.</summary>
    public IReadOnlyList<ComparisonSummary> Summaries { get; }

    /// <summary>Per row over the seeds; paired differences against <see cref="ComparisonOptions.Baseline"/> on the seeds both have.</summary>
    public static IReadOnlyList<ComparisonSummary> Summarise(IReadOnlyList<ComparisonRun> runs, int classCount)
    {
        var baseline = runs.Where(r => r.Row == ComparisonOptions.Baseline).ToDictionary(r => r.Seed, r => r.MeanIoU);
        var result = new List<ComparisonSummary>();
        foreach (string row in runs.Select(r => r.Row).Distinct())
        {
            var mine = runs.Where(r => r.Row == row).ToList();
            var (mean, std) = ComparisonSummary.MeanStd(mine.Select(r => r.MeanIoU).ToList());
            var classes = Enumerable.Range(0, classCount).Select(c => ComparisonSummary.MeanStd(mine.Select(r => r.ClassIoU[c]).ToList())).ToList();
            double? diff = null, diffStd = null;
            var paired = mine.Where(r => baseline.ContainsKey(r.Seed)).Select(r => r.MeanIoU - baseline[r.Seed]).ToList();
            if (row != ComparisonOptions.Baseline && paired.Count > 0)
            {
                (double d, double s) = ComparisonSummary.MeanStd(paired);
                (diff, diffStd) = (d, s);
            }

            result.Add(new ComparisonSummary(row, mine.Count, mean, std, classes.Select(c => c.Mean).ToList(), classes.Select(c => c.Std).ToList(),
                diff, diffStd, mine.Average(r => r.CpuSeconds)));
        }

        return result;
    }

    /// <summary>The README's table: one line of settings, then mIoU, per-class IoU and the paired difference, each mean ± std, one decimal.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(Settings);
        text.AppendLine();
        text.AppendLine($"| method | target mIoU | {string.Join(" | ", Classes)} | paired Δ mIoU vs {ComparisonOptions.Baseline} |");
        text.AppendLine($"|---|---:|{string.Concat(Classes.Select(_ => "---:|"))}---:|");
        foreach (ComparisonSummary s in Summaries)
        {
            string classes = string.Join(" | ", s.ClassIoU.Select((v, c) => PlusMinus(v, s.ClassIoUStd[c])));
            string diff = s.PairedDifference is { } d ? PlusMinus(d, s.PairedDifferenceStd!.Value, signed: true) : "–";
            text.AppendLine($"| {s.Row} | {PlusMinus(s.MeanIoU, s.MeanIoUStd)} | {classes} | {diff} |");
        }

        return text.ToString();
    }

    /// <summary>Everything as JSON: settings, classes, per-row summaries and every run.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        settings = Settings,
        classes = Classes,
        baseline = ComparisonOptions.Baseline,
        rows = Summaries.Select(s => new
        {
            row = s.Row,
            seeds = s.Seeds,
            miou = Round(s.MeanIoU),
            miouStd = Round(s.MeanIoUStd),
            classIou = s.ClassIoU.Select(Round),
            classIouStd = s.ClassIoUStd.Select(Round),
            pairedDifference = s.PairedDifference is { } d ? Round(d) : null,
            pairedDifferenceStd = s.PairedDifferenceStd is { } e ? Round(e) : null,
            cpuSecondsPerRun = Math.Round(s.CpuSeconds, 1),
        }),
        runs = Runs.Select(r => new
        {
            row = r.Row,
            seed = r.Seed,
            miou = Round(r.MeanIoU),
            classIou = r.ClassIoU.Select(Round),
            trainSeconds = Math.Round(r.TrainSeconds, 1),
            cpuSeconds = Math.Round(r.CpuSeconds, 1),
            model = r.ModelPath,
        }),
    }, new JsonSerializerOptions { WriteIndented = true });

    /// <summary>"71.5 ± 2.2" (or "+2.2 ± 5.1" when signed), one decimal, invariant culture.</summary>
    public static string PlusMinus(double mean, double std, bool signed = false) => double.IsNaN(mean) ? "–" :
        string.Format(CultureInfo.InvariantCulture, signed ? "{0:+0.0;-0.0;0.0} ± {1:0.0}" : "{0:0.0} ± {1:0.0}", mean, std);

    /// <summary>Two decimals; null for NaN (a class absent from both the reference and the prediction has no IoU).</summary>
    private static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 2) : null;
}
