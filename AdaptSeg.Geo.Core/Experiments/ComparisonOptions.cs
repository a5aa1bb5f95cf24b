using AdaptSeg.Geo.Inference;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// What <see cref="MethodComparison"/> runs: every row (method) for every seed on one prepared pair,
/// with one experiment file's hyperparameters, fixed before the run.
/// </summary>
public sealed record ComparisonOptions
{
    /// <summary>The row that trains on the source only.</summary>
    public const string SourceOnly = "source-only";

    /// <summary>The row that self-trains from the same seed's adaptsegnet model on its pseudo-labels.</summary>
    public const string SelfTraining = "self-training";

    /// <summary>The row every other is compared with, seed by seed.</summary>
    public const string Baseline = "adaptsegnet";

    /// <summary>The experiment file (hyperparameters, network); its data.prepared is replaced by <see cref="Prepared"/>.</summary>
    public required string ExperimentConfig { get; init; }

    /// <summary>The prepared pair (from <c>adaptseg prepare</c>); target scenes need evaluation labels.</summary>
    public required string Prepared { get; init; }

    /// <summary>Where runs, masks and the reports go (a folder this comparison owns).</summary>
    public required string Output { get; init; }

    /// <summary>Rows, in report order: source-only, preset names, self-training.</summary>
    public required IReadOnlyList<string> Rows { get; init; }

    /// <summary>Seeds (training.seed of every row).</summary>
    public required IReadOnlyList<int> Seeds { get; init; }

    /// <summary>Training iterations of every row (null: the experiment file's).</summary>
    public int? Iterations { get; init; }

    /// <summary>Training tile size (null: the experiment file's).</summary>
    public int? TileSize { get; init; }

    /// <summary>
    /// <c>--set key.path=value</c> overrides of the experiment file, applied to its JSON before it is
    /// checked (validated as the file is); every row's run then uses them.
    /// </summary>
    public IReadOnlyList<Config.ConfigOverride> Set { get; init; } = [];

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>How the target scenes are predicted for scoring.</summary>
    public StitchOptions Stitch { get; init; } = new() { TileSize = 256, Overlap = 128, BatchSize = 4 };

    /// <summary>
    /// Percentage points by which a class's share of the target masks may move against source-only
    /// before the comparison flags it (see <see cref="ComparisonResult.DefaultShareShiftThreshold"/>).
    /// </summary>
    public double ShareShiftThreshold { get; init; } = ComparisonResult.DefaultShareShiftThreshold;

    /// <summary>Every problem with the options.</summary>
    public IReadOnlyList<string> Validate()
    {
        var p = new List<string>();
        if (Rows.Count == 0) p.Add("give at least one row");
        if (Seeds.Count == 0) p.Add("give at least one seed");
        if (Rows.Distinct(StringComparer.OrdinalIgnoreCase).Count() != Rows.Count) p.Add("rows must be distinct");
        if (Seeds.Distinct().Count() != Seeds.Count) p.Add("seeds must be distinct");
        foreach (string row in Rows)
        {
            if (row != SourceOnly && row != SelfTraining && !Config.AdaptationPresets.Names.Contains(row))
            {
                p.Add($"row '{row}' is not {SourceOnly}, {SelfTraining} or a preset ({string.Join(", ", Config.AdaptationPresets.Names)})");
            }
        }

        if (Rows.Contains(SelfTraining) && !(Rows.Contains(Baseline) && Rows.ToList().IndexOf(Baseline) < Rows.ToList().IndexOf(SelfTraining)))
        {
            p.Add($"the {SelfTraining} row starts from the {Baseline} model of each seed; list the {Baseline} row before it");
        }

        if (Iterations is < 1) p.Add($"iterations {Iterations} must be at least 1");
        if (!(ShareShiftThreshold >= 0)) p.Add($"the share threshold {ShareShiftThreshold} must be 0 or more percentage points");
        return p;
    }
}
