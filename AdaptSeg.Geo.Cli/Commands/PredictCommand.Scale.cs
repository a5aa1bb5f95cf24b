using System.CommandLine;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// <c>predict</c>'s scale-out options: shards (<c>--shard K/N</c>, <c>--shard auto --shards N</c>),
/// many scenes (<c>--inputs</c>), STAC Items (<c>--stac-assets</c>). Kept apart from the
/// single-raster options so each stays readable.
/// </summary>
internal sealed partial class PredictCommand
{
    private static readonly Option<string?> Shard = new("--shard")
    {
        Description = "Predict one shard: K/N (K from 0 to N-1) predicts the K-th block of tile rows (plus the overlapping tiles above it) and writes " +
            "<output stem>.shard-K-of-N.tif with a manifest .json next to it; 'adaptseg mosaic' joins them into a mask equal to a single run's. " +
            "'auto' takes K from SLURM_ARRAY_TASK_ID (submit --array=0-(N-1); re-run a failed shard with --array=K) or JOB_COMPLETION_INDEX, with N from --shards. " +
            "With --inputs the scene list is split instead: scene i belongs to shard i mod N.",
    };

    private static readonly Option<int?> ShardCount = new("--shards")
    {
        Description = "The number of shards N with --shard auto.",
    };

    private static readonly Option<string?> Inputs = new("--inputs")
    {
        Description = "Many scenes in one call (the model is loaded once): a folder of rasters, a glob such as 'scenes/*.tif', or a text file of paths (one a line). " +
            "--output is then the folder the masks go to, named by --mask-name.",
    };

    private static readonly Option<string> MaskName = new("--mask-name")
    {
        Description = "With --inputs: each mask's file name; {name} is the scene's file name without extension.",
        DefaultValueFactory = _ => "{name}_mask.tif",
    };

    private static readonly Option<bool> SkipExisting = new("--skip-existing")
    {
        Description = "With --inputs: leave scenes whose mask already exists alone, so a re-run after a failure finishes the rest.",
    };

    private static readonly Option<string?> StacAssets = new("--stac-assets")
    {
        Description = "When --input is a STAC Item (a .json file or URL, or an Item URL without .json such as a STAC API item endpoint): the bands to read, " +
            "in the model's band order (for example red,nir,green), each an asset key or a band's common name (eo:bands / bands, so Earth Search, " +
            "Planetary Computer and Landsat Collection 2 items all answer red,nir,green); all are read on the first one's grid, the others resampled bilinearly.",
    };

    private static readonly Option<string> StacValuesOption = new("--stac-values")
    {
        Description = "With a STAC Item: 'physical' (default) applies each band's raster:bands scale and offset (raw x scale + offset, float32), " +
            "'raw' reads the stored values; the Item's nodata applies to both. Use the units the model was trained on.",
        DefaultValueFactory = _ => "physical",
    };

    private static readonly Option<bool> NoStac = new("--no-stac")
    {
        Description = "Do not write the STAC Item beside the mask (<mask>.stac.json: projection, classes, label extension, a derived_from link to the input).",
    };

    private static void AddScaleOptions(Command command)
    {
        command.Add(Shard);
        command.Add(ShardCount);
        command.Add(Inputs);
        command.Add(MaskName);
        command.Add(SkipExisting);
        command.Add(StacAssets);
        command.Add(StacValuesOption);
        command.Add(NoStac);
    }

    /// <summary>The shard asked for, or null. The environment is read only with <c>--shard auto</c>.</summary>
    private static ShardAssignment? ParseShard(ParseResult parse)
    {
        string? shard = parse.GetValue(Shard);
        int? count = parse.GetValue(ShardCount);
        if (shard is null)
        {
            return count is null ? null : throw new ArgumentException("--shards is only used with --shard auto; add --shard auto, or drop --shards.");
        }

        if (shard.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return count is null
                ? throw new ArgumentException("--shard auto needs --shards N (the length of the job array).")
                : ShardAssignment.FromEnvironment(count.Value, Environment.GetEnvironmentVariable);
        }

        return count is null
            ? ShardAssignment.Parse(shard)
            : throw new ArgumentException($"--shards goes with --shard auto; with --shard {shard} the count is already given.");
    }

    /// <summary>
    /// The raster GDAL opens for <paramref name="input"/>: a STAC Item (by name or, for a URL or file,
    /// by content) becomes a VRT of its bands; remote paths (/vsicurl/, /vsis3/, ...) are handed to
    /// GDAL as they are, which reports its own error. Also returns the Item's text when the input was one (read once).
    /// </summary>
    private static (string Path, string? ItemText) ResolveInput(ParseResult parse, string input, CancellationToken cancellationToken)
    {
        string? assets = parse.GetValue(StacAssets);
        StacValues values = parse.GetValue(StacValuesOption)!.Trim().ToLowerInvariant() switch
        {
            "physical" => StacValues.Physical,
            "raw" => StacValues.Raw,
            var other => throw new ArgumentException($"--stac-values '{other}' is not known; use physical or raw."),
        };
        ArgumentException NoAssets() => new($"--input '{input}' is a STAC Item; name the bands to use with --stac-assets (for example red,nir,green).");
        if (assets is null && StacItemRaster.IsStacItem(input))
        {
            throw NoAssets(); // an Item by its name: said before anything is read
        }

        if (StacItemRaster.TryReadItem(input, cancellationToken) is { } item)
        {
            return assets is null ? throw NoAssets() : (StacItemRaster.BuildVrt(input, item, CommandArguments.ParseNames(assets, "--stac-assets"), values, cancellationToken), item);
        }

        if (assets is not null)
        {
            throw new ArgumentException($"--stac-assets needs a STAC Item as --input (a .json file or URL, or an Item URL); '{input}' is not one.");
        }

        if (!SceneListPrediction.IsRemote(input) && !File.Exists(input))
        {
            throw new FileNotFoundException($"The input raster '{input}' does not exist. Check --input.", input);
        }

        return (input, null);
    }

    private const string ScenesCancelled = "cancelled; masks already finished are kept, the one in progress was removed. Re-run with --skip-existing to finish.";

    /// <summary><c>predict --inputs</c>: many scenes, one model.</summary>
    private static int RunScenes(ParseResult parse, ITilePredictorFactory factory, CancellationToken cancellationToken)
    {
        TextWriter err = parse.Err();
        TextWriter o = parse.Out();
        if (parse.GetValue(Input) is not null)
        {
            throw new ArgumentException("Give either --input (one raster) or --inputs (many), not both.");
        }

        if (parse.GetValue(Probabilities) is not null || parse.GetValue(Vectors) is not null || parse.GetValue(StacAssets) is not null)
        {
            throw new ArgumentException("--probabilities, --vectors and --stac-assets are for one --input; with --inputs only masks are written.");
        }

        string folder = parse.GetValue(Output)!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"With --inputs, --output is the folder for the masks; '{folder}' does not exist. Create it first.");
        }

        IReadOnlyList<string> scenes = SceneListPrediction.ResolveInputs(parse.GetValue(Inputs)!);
        PredictionRequest template = BuildRequest(parse, err, "unused-input", Path.Combine(folder, "unused-mask.tif"), checkInput: false) with { Shard = null };
        var request = new SceneListRequest
        {
            Inputs = scenes,
            OutputFolder = folder,
            NamePattern = parse.GetValue(MaskName)!,
            SkipExisting = parse.GetValue(SkipExisting),
            Overwrite = parse.GetValue(CommonOptions.Overwrite),
            Template = template,
            Shard = ParseShard(parse),
        };
        _ = SceneListPrediction.MaskPath(folder, request.NamePattern, scenes[0]); // checks the pattern before the model loads

        ITilePredictorFactory engine = EngineFactory(parse, factory, template.Stitch.TileSize);
        ITilePredictor predictor = engine.Create(parse.GetValue(Checkpoint)!, parse.GetValue(CommonOptions.Device)!);
        o.WriteLine($"engine        {DescribeEngine(parse, engine, predictor)}");
        try
        {
            request = request with { Template = RasterPrediction.WithModelDefaults(template, predictor) };
            var scenesDone = new Progress(o);
            IReadOnlyList<SceneOutcome> outcomes;
            using (var tiles = new ProgressLine<StitchProgress>(err, "predict", p => (p.TilesDone, p.TileCount)))
            {
                outcomes = SceneListPrediction.Run(request, predictor, scenesDone, tiles, cancellationToken);
            }

            int failed = outcomes.Count(x => x.Status == "failed");
            o.WriteLine($"scenes        {outcomes.Count(x => x.Status == "predicted")} predicted, {outcomes.Count(x => x.Status == "skipped")} skipped (mask exists), {failed} failed, of {outcomes.Count}" +
                (request.Shard is { } s ? $" in shard {s} ({scenes.Count} in the list)" : ""));
            if (failed > 0)
            {
                err.WriteLine($"error: {failed} scene(s) failed (listed above); fix them and run again with --skip-existing to finish the rest.");
                return ExitCodes.BadInput;
            }

            return ExitCodes.Success;
        }
        finally
        {
            (predictor as IDisposable)?.Dispose();
        }
    }

    /// <summary>Prints one line per scene as it finishes (synchronously: the order is the list's).</summary>
    private sealed class Progress(TextWriter output) : IProgress<SceneOutcome>
    {
        public void Report(SceneOutcome value)
        {
            string detail = value.Status switch
            {
                "predicted" => $"-> {value.MaskPath} ({value.Summary!.Width}x{value.Summary.Height}, {value.Summary.Elapsed.TotalSeconds:F1} s; " +
                    $"{Evaluation.ClassShares.Format(value.Summary.ClassNames, value.Summary.ClassShares)})",
                "skipped" => $"-> {value.MaskPath} exists, skipped",
                _ => $"FAILED: {LibraryOptionNames.Apply(value.Error ?? "")}",
            };
            output.WriteLine($"scene {value.Index + 1}/{value.Count} {value.Input} {detail}");
        }
    }
}
