using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Experiments;
using AdaptSeg.Geo.Runtime;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// <c>adaptseg compare</c>: adaptation methods x seeds on one prepared pair, scored on the target:
/// mean ± std of mIoU and per-class IoU, the paired per-seed differences to source-only and
/// adaptsegnet with 95 % confidence intervals, and the class shares of each row's target masks
/// beside source-only's; tables (README-ready Markdown) with a summary, JSON and a PNG chart. A name
/// apart from <c>bench</c>, which measures speed.
/// </summary>
internal sealed class CompareCommand
{
    /// <summary>The rows of a full comparison.</summary>
    internal static readonly IReadOnlyList<string> DefaultRows = [ComparisonOptions.SourceOnly, .. AdaptationPresets.Names, ComparisonOptions.SelfTraining];

    /// <summary>The rows of --quick.</summary>
    internal static readonly IReadOnlyList<string> QuickRows = [ComparisonOptions.SourceOnly, "adaptsegnet", "advent+minent", "fda", ComparisonOptions.SelfTraining];

    private static readonly Option<string[]> Set = TrainCommand.SetOption();

    private static readonly Option<string?> Config = new("--config", "-c")
    {
        Description = "Experiment file whose hyperparameters every row uses (default: sample-configs/landcover-demo.json, the light network).",
    };

    private static readonly Option<string?> Prepared = new("--prepared")
    {
        Description = "A prepared pair (adaptseg prepare) whose target scenes have evaluation labels (default: the demo's pair, prepared into <out>/prepared).",
    };

    private static readonly Option<string> Out = new("--out", "-o")
    {
        Description = "Output folder: runs/, comparison.json, comparison.md, comparison.png (a previous comparison's output is reused, any other non-empty folder refused).",
        DefaultValueFactory = _ => "compare-output",
    };

    private static readonly Option<string?> Rows = new("--rows")
    {
        Description = "Comma-separated rows: source-only, presets, self-training (one round from the same seed's adaptsegnet model on its " +
            "pseudo-labels; needs the adaptsegnet row). Default: source-only," + string.Join(",", AdaptationPresets.Names) + ",self-training.",
    };

    private static readonly Option<string?> Seeds = new("--seeds")
    {
        Description = "Comma-separated seeds (default: 1,2,3,4,5: with fewer, the 95 % intervals of the differences are wide; t is 4.30 for three seeds, 2.78 for five).",
    };

    private static readonly Option<int?> Iterations = new("--iterations")
    {
        Description = "Training iterations of every run (default: the experiment file's; 300 for the demo's).",
    };

    private static readonly Option<int?> TileSize = new("--tile-size")
    {
        Description = "Training tile size (default: the experiment file's; 96 for the demo's).",
    };

    private static readonly Option<bool> Quick = new("--quick")
    {
        Description = "A smoke run: rows " + string.Join(",", QuickRows) + ", seeds 1,2, 10 iterations on 64-px tiles (numbers mean nothing; for tests).",
    };

    private static readonly Option<string?> Repository = new("--repository")
    {
        Description = "Folder holding sample-data/ and sample-configs/ (default: found from the current folder or the program's).",
    };

    public static Command Create()
    {
        var command = new Command("compare",
            "Compare adaptation methods over seeds on a prepared pair: train each row for each seed with the same hyperparameters " +
            "(fixed before the run; target labels only score), predict and score the target, and report mean ± std of target mIoU " +
            "and per-class IoU, the paired per-seed differences to source-only and adaptsegnet with 95 % confidence intervals " +
            "(\"no significant difference\" where they contain 0), and each row's class shares on the target beside source-only's " +
            "(moves over 10 points flagged), as Markdown tables with a summary, JSON and a PNG chart.")
        {
            Config, Prepared, Out, Rows, Seeds, Iterations, TileSize, CommonOptions.Device, Quick, Repository, Set,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t))));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter o = parse.Out();
        var clock = Stopwatch.StartNew();
        bool quick = parse.GetValue(Quick);
        string output = Path.GetFullPath(parse.GetValue(Out)!);
        IReadOnlyList<string> rows = parse.GetValue(Rows) is { } r ? Split(r, "--rows") : quick ? QuickRows : DefaultRows;
        IReadOnlyList<int> seeds = parse.GetValue(Seeds) is { } s ? ParseSeeds(s) : quick ? [1, 2] : [1, 2, 3, 4, 5];

        MethodComparison.ClaimOutput(output);
        string config = ExperimentFile(parse, Config, Repository);
        IReadOnlyList<ConfigOverride> sets = TrainCommand.ParseSets(parse, Set);
        _ = JsonConfigReader.Read<ExperimentConfig>(config, sets); // a bad file or --set fails before anything is prepared or trained
        string prepared = PreparedFolder(parse, Prepared, Repository, output, cancellationToken);

        var options = new ComparisonOptions
        {
            ExperimentConfig = config,
            Prepared = prepared,
            Output = output,
            Rows = rows,
            Seeds = seeds,
            Iterations = parse.GetValue(Iterations) ?? (quick ? 10 : null),
            TileSize = parse.GetValue(TileSize) ?? (quick ? 64 : null),
            Device = parse.GetValue(CommonOptions.Device)!,
            Set = sets,
        };
        o.WriteLine($"Comparing {rows.Count} rows x {seeds.Count} seeds: {string.Join(", ", rows)}; seeds {string.Join(", ", seeds)}");
        var progressBar = ConsoleProgressBar.ForStandardError(parse.Err(), "compare    ");
        ComparisonResult result;
        try
        {
            result = MethodComparison.Run(options, new SynchronousProgress<ComparisonProgress>(q =>
                progressBar.Update((long)((q.Run - 1 + q.Fraction) * 1000), q.Runs * 1000L, $"{q.Row} seed {q.Seed} {q.Stage}")), cancellationToken);
        }
        finally
        {
            progressBar.Finish();
        }

        o.WriteLine();
        o.Write(result.ToMarkdown());
        o.WriteLine();
        o.WriteLine($"Table: {Path.Combine(output, "comparison.md")}  JSON: {Path.Combine(output, "comparison.json")}  Chart: {Path.Combine(output, "comparison.png")}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wall time: {clock.Elapsed:hh\\:mm\\:ss}; CPU time of the runs: {result.Runs.Sum(x => x.CpuSeconds):F0} s"));
        return ExitCodes.Success;
    }

    internal static List<string> Split(string value, string option)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => v.ToLowerInvariant()).ToList();
        return parts.Count > 0 ? parts : throw new ArgumentException($"{option}: give a comma-separated list.");
    }

    /// <summary>The value of --seeds: whole numbers, comma-separated (compare and bench engines).</summary>
    internal static IReadOnlyList<int> ParseSeeds(string value) =>
        [.. Split(value, "--seeds").Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed
            : throw new ArgumentException($"--seeds: '{v}' is not a whole number; give e.g. 1,2,3."))];

    /// <summary>The experiment file: --config, or the demo's in the sample data (--repository or found).</summary>
    internal static string ExperimentFile(ParseResult parse, Option<string?> config, Option<string?> repository) =>
        parse.GetValue(config) is { } c ? Path.GetFullPath(c) : Path.Combine(SampleData.Find(parse.GetValue(repository)), SampleData.Experiment);

    /// <summary>The prepared folder: --prepared, or the demo pair prepared into &lt;out&gt;/prepared (kept there for the next run).</summary>
    internal static string PreparedFolder(ParseResult parse, Option<string?> prepared, Option<string?> repository, string output, CancellationToken cancellationToken)
    {
        if (parse.GetValue(prepared) is { } p)
        {
            return Path.GetFullPath(p);
        }

        string sample = SampleData.Find(parse.GetValue(repository));
        string folder = Path.Combine(output, "prepared");
        if (!File.Exists(Path.Combine(folder, "prepared.json")))
        {
            parse.Out().WriteLine($"Preparing the demo pair into {folder}");
            using var bar = new ProgressLine<PrepareProgress>(parse.Err(), "prepare    ", q => ((long)(q.Fraction * 100), 100));
            SampleData.Prepare(sample, folder, bar, cancellationToken);
        }

        return folder;
    }
}
