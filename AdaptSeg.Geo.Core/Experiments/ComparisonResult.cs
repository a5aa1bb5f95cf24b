using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// What a comparison measured: every run and, per row, mean ± standard deviation over the seeds, the
/// paired per-seed differences to source-only and to the baseline with 95 % confidence intervals
/// (Student's t over the seeds), and the share of each class in the row's target masks beside
/// source-only's; as JSON and as README-ready Markdown (tables and a summary that says only what
/// the intervals support).
/// </summary>
public sealed class ComparisonResult
{
    /// <summary>
    /// A class whose share of the target masks moves by more than this many percentage points against
    /// source-only (the mean of the per-seed changes) is flagged. Ten points of a map's area is a
    /// change a land-cover user acts on. It is about twice the seed noise of that mean over five
    /// seeds: on the demo pair a method's per-seed change of the vegetation or "other" share spreads
    /// with a standard deviation of 9-12 points (docs/comparison/comparison.json), about 5 points of
    /// standard error for the mean of five. So a flag says "look at this class", not "proven".
    /// </summary>
    public const double DefaultShareShiftThreshold = 10;

    /// <summary>The rows every other is compared with, seed by seed, in the order reported.</summary>
    public static readonly IReadOnlyList<string> References = [ComparisonOptions.SourceOnly, ComparisonOptions.Baseline];

    public ComparisonResult(IReadOnlyList<string> classes, IReadOnlyList<ComparisonRun> runs, string settings,
        IReadOnlyList<double>? referenceShares = null, double shareShiftThreshold = DefaultShareShiftThreshold)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(runs);
        if (!(shareShiftThreshold >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(shareShiftThreshold), shareShiftThreshold, "The share threshold is a number of percentage points, 0 or more.");
        }

        Classes = classes;
        Runs = runs;
        Settings = settings;
        ReferenceShares = referenceShares;
        ShareShiftThreshold = shareShiftThreshold;
        Summaries = Summarise(runs, classes.Count, shareShiftThreshold);
    }

    /// <summary>Class names, in label order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Every run (row x seed), in the order run.</summary>
    public IReadOnlyList<ComparisonRun> Runs { get; }

    /// <summary>One line on how the runs were made (data, network, iterations, tiles, seeds, CPU).</summary>
    public string Settings { get; }

    /// <summary>The share of each class (percent) in the target's evaluation labels: shown for the reader, never used by a run.</summary>
    public IReadOnlyList<double>? ReferenceShares { get; }

    /// <summary>Percentage points of change in a class's target share, against source-only, above which it is flagged.</summary>
    public double ShareShiftThreshold { get; }

    /// <summary>Per row, in the order of first appearance.</summary>
    public IReadOnlyList<ComparisonSummary> Summaries { get; }

    /// <summary>The source labels' share of each class (percent) over the tiles the runs trained on, the mean over the runs.</summary>
    public IReadOnlyList<double> SourceLabelShares => Enumerable.Range(0, Classes.Count)
        .Select(c => ComparisonSummary.MeanStd([.. Runs.Where(r => r.SourceLabelShares.Count == Classes.Count).Select(r => r.SourceLabelShares[c])]).Mean).ToList();

    /// <summary>
    /// Per row over the seeds. Paired differences against each of <see cref="References"/> present (a
    /// reference row only against those listed before it), on the seeds both rows have; share changes against source-only likewise, flagged beyond
    /// <paramref name="shareShiftThreshold"/> points.
    /// </summary>
    public static IReadOnlyList<ComparisonSummary> Summarise(IReadOnlyList<ComparisonRun> runs, int classCount, double shareShiftThreshold = DefaultShareShiftThreshold)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var bySeed = References.ToDictionary(r => r, r => runs.Where(x => x.Row == r).ToDictionary(x => x.Seed));
        var result = new List<ComparisonSummary>();
        foreach (string row in runs.Select(r => r.Row).Distinct())
        {
            var mine = runs.Where(r => r.Row == row).ToList();
            var (mean, std) = ComparisonSummary.MeanStd([.. mine.Select(r => r.MeanIoU)]);
            var classes = Enumerable.Range(0, classCount).Select(c => ComparisonSummary.MeanStd([.. mine.Select(r => r.ClassIoU[c])])).ToList();
            var differences = new List<PairedDifference>();
            // A reference row is compared only with the references before it (adaptsegnet with source-only,
            // not source-only with adaptsegnet as well: the same comparison, mirrored).
            int own = References.ToList().IndexOf(row);
            foreach (string reference in References.Where((r, i) => r != row && (own < 0 || i < own)))
            {
                var paired = mine.Where(r => bySeed[reference].ContainsKey(r.Seed)).Select(r => r.MeanIoU - bySeed[reference][r.Seed].MeanIoU).Where(d => !double.IsNaN(d)).ToList();
                if (paired.Count > 0)
                {
                    differences.Add(PairedDifference.Of(reference, paired));
                }
            }

            var shares = Enumerable.Range(0, classCount).Select(c => ComparisonSummary.MeanStd([.. mine.Where(r => r.PredictedShares.Count == classCount).Select(r => r.PredictedShares[c])]).Mean).ToList();
            IReadOnlyList<double>? shifts = null;
            var sourceOnly = bySeed[ComparisonOptions.SourceOnly];
            var pairedRuns = mine.Where(r => sourceOnly.TryGetValue(r.Seed, out var s) && s.PredictedShares.Count == classCount && r.PredictedShares.Count == classCount).ToList();
            if (row != ComparisonOptions.SourceOnly && pairedRuns.Count > 0)
            {
                shifts = [.. Enumerable.Range(0, classCount).Select(c => pairedRuns.Average(r => r.PredictedShares[c] - sourceOnly[r.Seed].PredictedShares[c]))];
            }

            var moved = shifts is null ? [] : Enumerable.Range(0, classCount).Where(c => Math.Abs(shifts[c]) > shareShiftThreshold).ToList();
            result.Add(new ComparisonSummary(row, mine.Count, mean, std, [.. classes.Select(c => c.Mean)], [.. classes.Select(c => c.Std)],
                differences, mine.Average(r => r.CpuSeconds), shares, shifts, moved));
        }

        return result;
    }

    /// <summary>
    /// The lines of the summary: one per paired difference (mean and interval, "no significant
    /// difference" where the interval contains 0, else which way it lies), then what they add up to
    /// and what they cannot say.
    /// </summary>
    public IReadOnlyList<string> SummaryLines()
    {
        var lines = new List<string>();
        var all = Summaries.SelectMany(s => s.Differences.Select(d => (s.Row, Difference: d))).ToList();
        if (all.Count == 0)
        {
            return ["No paired difference: the comparison has no source-only or baseline row beside another row."];
        }

        foreach (string reference in References)
        {
            foreach (var (row, d) in all.Where(x => x.Difference.Reference == reference))
            {
                string verdict = d.Seeds < 2 ? "one seed, so no interval and no conclusion"
                    : !d.Significant ? PairedDifference.NoSignificantDifference
                    : d.Mean > 0 ? "significantly higher (the interval excludes 0)" : "significantly lower (the interval excludes 0)";
                string interval = d.Seeds < 2 ? PairedDifference.Signed(d.Mean) : $"{PairedDifference.Signed(d.Mean)} [{PairedDifference.Signed(d.Low)}, {PairedDifference.Signed(d.High)}]";
                lines.Add($"{row} − {reference}: {interval} mIoU points over {Seeds(d.Seeds)}: {verdict}.");
            }
        }

        var versusSourceOnly = all.Where(x => x.Difference.Reference == ComparisonOptions.SourceOnly).ToList();
        if (versusSourceOnly.Count > 0)
        {
            var better = versusSourceOnly.Where(x => x.Difference.Significant && x.Difference.Mean > 0).Select(x => x.Row).ToList();
            var worse = versusSourceOnly.Where(x => x.Difference.Significant && x.Difference.Mean < 0).Select(x => x.Row).ToList();
            lines.Add(better.Count == 0
                ? $"No method is significantly better than {ComparisonOptions.SourceOnly} on these seeds."
                : $"Significantly better than {ComparisonOptions.SourceOnly}: {string.Join(", ", better)}.");
            if (worse.Count > 0)
            {
                lines.Add($"Significantly worse than {ComparisonOptions.SourceOnly}: {string.Join(", ", worse)}.");
            }
        }

        int tested = all.Count(x => x.Difference.Seeds >= 2);
        if (tested > 0)
        {
            double confidence = all[0].Difference.Confidence;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"Each interval is a {100 * confidence:0.#} % interval on its own (Student's t, seeds − 1 degrees of freedom), not corrected for the {tested} comparisons: ") +
                string.Create(CultureInfo.InvariantCulture, $"were there no real difference anywhere, about {(1 - confidence) * tested:0.#} of them would still exclude 0 by chance. ") +
                "A difference that is not significant is not shown to be zero either: more seeds narrow the intervals.");
        }

        return lines;
    }

    /// <summary>
    /// The README's Markdown: the settings line; mIoU, per-class IoU (mean ± std, one decimal) and the
    /// paired differences with their intervals; the summary; then the predicted target class shares.
    /// </summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(Settings);
        text.AppendLine();
        var references = References.Where(r => Summaries.Any(s => s.Against(r) is not null)).ToList();
        text.AppendLine($"| method | target mIoU | {string.Join(" | ", Classes)} |{string.Concat(references.Select(r => $" paired Δ mIoU vs {r} [95 % CI] |"))}");
        text.AppendLine($"|---|---:|{string.Concat(Classes.Select(_ => "---:|"))}{string.Concat(references.Select(_ => "---|"))}");
        foreach (ComparisonSummary s in Summaries)
        {
            string classes = string.Join(" | ", s.ClassIoU.Select((v, c) => PlusMinus(v, s.ClassIoUStd[c])));
            string diffs = string.Concat(references.Select(r => $" {s.Against(r)?.Describe() ?? "–"} |"));
            text.AppendLine($"| {s.Row} | {PlusMinus(s.MeanIoU, s.MeanIoUStd)} | {classes} |{diffs}");
        }

        text.AppendLine();
        foreach (string line in SummaryLines())
        {
            text.AppendLine($"- {line}");
        }

        text.AppendLine();
        text.Append(SharesMarkdown());
        return text.ToString();
    }

    /// <summary>
    /// The class shares table: per row the mean share (percent) of each class in its target masks,
    /// with the mean per-seed change against source-only in brackets, and the classes that moved
    /// more than the threshold; the source labels' shares above, the target's evaluation labels'
    /// below (for the reader; no run used them).
    /// </summary>
    public string SharesMarkdown()
    {
        var text = new StringBuilder();
        string threshold = ShareShiftThreshold.ToString("0.#", CultureInfo.InvariantCulture);
        text.AppendLine($"Share of each class in the target masks (% of the classified pixels, mean over the seeds; no label needed), with the mean per-seed change against " +
            $"{ComparisonOptions.SourceOnly} in points; a class that moves by more than {threshold} points is listed as moved.");
        text.AppendLine();
        text.AppendLine($"| | {string.Join(" | ", Classes)} | moved > {threshold} points |");
        text.AppendLine($"|---|{string.Concat(Classes.Select(_ => "---:|"))}---|");
        if (Runs.Any(r => r.SourceLabelShares.Count == Classes.Count))
        {
            text.AppendLine($"| source labels (training tiles) | {string.Join(" | ", SourceLabelShares.Select(v => Fixed(v)))} | |");
        }

        foreach (ComparisonSummary s in Summaries)
        {
            string cells = string.Join(" | ", s.PredictedShares.Select((v, c) => s.ShareShifts is { } shift ? $"{Fixed(v)} ({PairedDifference.Signed(shift[c])})" : Fixed(v)));
            string moved = s.MovedClasses.Count == 0 ? "" : " " + string.Join(", ", s.MovedClasses.Select(c => $"{Classes[c]} {PairedDifference.Signed(s.ShareShifts![c])}"));
            text.AppendLine($"| {s.Row} | {cells} |{moved} |");
        }

        if (ReferenceShares is { } reference && reference.Count == Classes.Count)
        {
            text.AppendLine($"| target evaluation labels (scoring only) | {string.Join(" | ", reference.Select(v => Fixed(v)))} | |");
        }

        return text.ToString();
    }

    /// <summary>Everything as JSON: settings, classes, per-row summaries and every run.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        settings = Settings,
        classes = Classes,
        baseline = ComparisonOptions.Baseline,
        shareShiftThreshold = ShareShiftThreshold,
        sourceLabelShares = SourceLabelShares.Select(Round),
        referenceShares = ReferenceShares?.Select(Round),
        rows = Summaries.Select(s => new
        {
            row = s.Row,
            seeds = s.Seeds,
            miou = Round(s.MeanIoU),
            miouStd = Round(s.MeanIoUStd),
            classIou = s.ClassIoU.Select(Round),
            classIouStd = s.ClassIoUStd.Select(Round),
            pairedDifferences = s.Differences.Select(d => new
            {
                reference = d.Reference,
                seeds = d.Seeds,
                mean = Round(d.Mean),
                std = Round(d.Std),
                confidence = d.Confidence,
                low = Round(d.Low),
                high = Round(d.High),
                significant = d.Significant,
            }),
            predictedShares = s.PredictedShares.Select(Round),
            shareShifts = s.ShareShifts?.Select(Round),
            movedClasses = s.MovedClasses.Select(c => Classes[c]),
            cpuSecondsPerRun = Math.Round(s.CpuSeconds, 1),
        }),
        runs = Runs.Select(r => new
        {
            row = r.Row,
            seed = r.Seed,
            miou = Round(r.MeanIoU),
            classIou = r.ClassIoU.Select(Round),
            predictedShares = r.PredictedShares.Select(Round),
            sourceLabelShares = r.SourceLabelShares.Select(Round),
            trainSeconds = Math.Round(r.TrainSeconds, 1),
            cpuSeconds = Math.Round(r.CpuSeconds, 1),
            model = r.ModelPath,
        }),
    }, new JsonSerializerOptions { WriteIndented = true });

    /// <summary>"71.5 ± 2.2" (or "+2.2 ± 5.1" when signed), one decimal, invariant culture.</summary>
    public static string PlusMinus(double mean, double std, bool signed = false) => double.IsNaN(mean) ? "–" :
        string.Format(CultureInfo.InvariantCulture, signed ? "{0:+0.0;-0.0;0.0} ± {1:0.0}" : "{0:0.0} ± {1:0.0}", mean, std);

    private static string Fixed(double v) => double.IsNaN(v) ? "–" : v.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Seeds(int n) => n == 1 ? "1 seed" : $"{n} seeds";

    /// <summary>Two decimals; null for NaN (a class absent from both the reference and the prediction has no IoU).</summary>
    private static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 2) : null;
}
