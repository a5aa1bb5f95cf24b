using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// What <see cref="EngineComparison"/> measured: every engine on every seed's model, and per engine
/// the mean over seeds and the paired per-seed change against TorchSharp float32.
/// </summary>
public sealed class EngineComparisonResult(IReadOnlyList<string> classes, IReadOnlyList<EngineComparisonRun> runs, string settings, string cpu)
{
    /// <summary>The reference every other engine is compared with.</summary>
    public const string Reference = "torchsharp float32";

    public IReadOnlyList<string> Classes { get; } = classes;

    public IReadOnlyList<EngineComparisonRun> Runs { get; } = runs;

    /// <summary>How the runs were made (data, network, iterations, tiles, calibration).</summary>
    public string Settings { get; } = settings;

    /// <summary>The CPU's instruction-set line (<see cref="Runtime.CpuInstructionSet.Describe"/>): the speed figures hold for it.</summary>
    public string Cpu { get; } = cpu;

    /// <summary>Per engine, in the order run.</summary>
    public IReadOnlyList<EngineComparisonSummary> Summaries()
    {
        var reference = Runs.Where(r => r.Engine == Reference).ToDictionary(r => r.Seed, r => r.MeanIoU);
        return Runs.Select(r => r.Engine).Distinct().Select(engine =>
        {
            var mine = Runs.Where(r => r.Engine == engine).ToList();
            var (mean, std) = ComparisonSummary.MeanStd(mine.Select(r => r.MeanIoU).ToList());
            var (delta, deltaStd) = ComparisonSummary.MeanStd(mine.Where(r => reference.ContainsKey(r.Seed)).Select(r => r.MeanIoU - reference[r.Seed]).ToList());
            return new EngineComparisonSummary(engine, mine[0].Threads, mean, std, delta, deltaStd, mine.Average(r => r.Agreement), mine.Min(r => r.Agreement),
                mine.Average(r => r.MsPerTile), mine.Average(r => r.CpuMsPerTile));
        }).ToList();
    }

    /// <summary>A Markdown table: the settings and CPU lines, then one row per engine.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(Settings);
        text.AppendLine();
        text.AppendLine($"CPU: {Cpu}");
        text.AppendLine();
        text.AppendLine($"| engine | threads | target mIoU | paired Δ mIoU vs {Reference} | mask agreement with {Reference} (mean, min) | ms per tile | CPU-ms per tile |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var s in Summaries())
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Engine} | {s.Threads} | {s.MeanIoU:F2} ± {s.MeanIoUStd:F2} | {(s.Engine == Reference ? "–" : $"{s.Delta:+0.00;-0.00;0.00} ± {s.DeltaStd:F2}")} | " +
                $"{s.Agreement:F2} %, {s.MinimumAgreement:F2} % | {s.MsPerTile:F1} | {s.CpuMsPerTile:F1} |"));
        }

        return text.ToString();
    }

    /// <summary>Everything as JSON: settings, CPU, classes, per-engine summaries and every run.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        settings = Settings,
        cpu = Cpu,
        classes = Classes,
        summaries = Summaries(),
        runs = Runs,
    }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
}
