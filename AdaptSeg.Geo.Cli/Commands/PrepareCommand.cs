using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary><c>adaptseg prepare</c>: put a source and a target domain on one grid, with statistics and a tile index.</summary>
internal sealed class PrepareCommand
{
    private static readonly Option<FileInfo?> Config = new("--config") { Description = "JSON config (see docs/prepare.md and sample-configs/prepare-olinda-to-cbers.json). The options below override its grid, tile size, AOI and assumed CRS." };
    private static readonly Option<DirectoryInfo> Out = new("--out") { Description = "Output folder (created; must be new or empty unless --overwrite). Written under a temporary name and renamed when complete.", Required = true };
    private static readonly Option<string?> SourceImage = new("--source-image") { Description = "Source (labelled) image." };
    private static readonly Option<string?> SourceLabels = new("--source-labels") { Description = "Source labels: uint8 raster (class index, 255 = ignore) or vectors (.gpkg/.geojson with --source-label-field)." };
    private static readonly Option<string?> SourceLabelField = new("--source-label-field") { Description = "Field of the vector labels holding the class index or name." };
    private static readonly Option<string?> SourceBands = new("--source-bands") { Description = "Source file bands in channel order, e.g. 3,4,2 for Landsat red,NIR,green." };
    private static readonly Option<string?> TargetImage = new("--target-image") { Description = "Target (unlabelled) image." };
    private static readonly Option<string?> TargetLabels = new("--target-labels") { Description = "Target labels, kept for evaluation only (never used for training)." };
    private static readonly Option<string?> TargetBands = new("--target-bands") { Description = "Target file bands in channel order, e.g. 1,2,3 for CBERS red,NIR,green." };
    private static readonly Option<string?> Classes = new("--classes") { Description = "Class names in label order, e.g. water,vegetation,other." };
    private static readonly Option<string?> BandNames = new("--band-names") { Description = "Optional channel names, e.g. red,nir,green." };
    private static readonly Option<string?> Crs = new("--crs") { Description = "Grid CRS (EPSG:xxxx or WKT). Default: the target's CRS." };
    private static readonly Option<double?> PixelSize = new("--pixel-size") { Description = "Grid pixel size in CRS units. Default: the coarsest pixel size of all scenes." };
    private static readonly Option<int?> TileSize = new("--tile-size") { Description = "Tile size of the tile index in pixels (default 256)." };
    private static readonly Option<string?> AssumeCrs = new("--assume-crs") { Description = "CRS for inputs that have none, e.g. EPSG:32725. Inputs with a CRS keep theirs." };
    private static readonly Option<string?> Aoi = new("--aoi") { Description = "Polygon GeoJSON (WGS84 lon/lat unless it names a CRS); only tiles that touch it are indexed." };
    private static readonly Option<bool> Overwrite = new("--overwrite") { Description = "Replace a non-empty output folder (only once the new one is complete)." };

    public static Command Create()
    {
        var command = new Command("prepare",
            "Reproject source and target scenes onto one aligned grid (imagery bilinear or average, labels nearest or mode, overviews ignored), " +
            "check labels against the class list, compute per-domain band statistics and write a tile index. " +
            "Use --config for several scenes, or the --source-*/--target-* options for one scene each. Exit 2 on bad input, 130 when cancelled.")
        {
            Config, Out, SourceImage, SourceLabels, SourceLabelField, SourceBands, TargetImage, TargetLabels, TargetBands,
            Classes, BandNames, Crs, PixelSize, TileSize, AssumeCrs, Aoi, Overwrite,
        };
        command.SetAction((parse, ct) => Task.Run(() => Run(parse, ct), CancellationToken.None));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        // Ctrl+C / SIGTERM cancel the work; process exit waits until the partial output is deleted.
        return CommandErrors.Run(parse, cancellationToken, token => Prepare(parse, token), "prepare: cancelled; no output was written.");
    }

    private static int Prepare(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter err = parse.Err();
        PrepareConfig config = BuildConfig(parse);
        var bar = new ProgressLine(err);
        PreparedDataset dataset = DatasetPreparation.Run(new PreparationOptions
        {
            Config = config,
            OutputFolder = parse.GetValue(Out)!.FullName,
            Overwrite = parse.GetValue(Overwrite),
            ConfigPath = parse.GetValue(Config)?.FullName,
        }, bar, cancellationToken);
        bar.Finish();
        TextWriter o = parse.Out();
        o.WriteLine($"prepared   {dataset.Folder}");
        o.WriteLine($"grid       {(dataset.Epsg is int e ? $"EPSG:{e}" : "custom CRS")}, pixel {dataset.PixelSize.ToString("G", CultureInfo.InvariantCulture)}");
        o.WriteLine($"classes    {string.Join(", ", dataset.ClassNames)}; {dataset.BandCount} band(s){(dataset.BandNames is { } n ? $" ({string.Join(", ", n)})" : "")}");
        foreach (PreparedDomain d in new[] { dataset.Source, dataset.Target })
        {
            o.WriteLine($"{(d == dataset.Source ? "source" : "target"),-10} {d.Name}: {string.Join(", ", d.Scenes.Select(s => $"{s.Name} {s.Width}x{s.Height}"))}; " +
                $"mean [{string.Join(", ", d.Statistics.Mean.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))}] " +
                $"std [{string.Join(", ", d.Statistics.Std.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))}]{(d.LabelsForEvaluationOnly && d.Scenes.Any(s => s.LabelPath is not null) ? "; labels for evaluation only" : "")}; " +
                $"bands {(d.BandNames is { } names ? string.Join(", ", names) : "unknown")}");
        }

        foreach (string note in dataset.BandNameNotes())
        {
            o.WriteLine($"note       {note}");
        }

        o.WriteLine($"tiles      {dataset.TileIndexPath}");
        return ExitCodes.Success;
    }

    private static PrepareConfig BuildConfig(ParseResult parse)
    {
        FileInfo? configFile = parse.GetValue(Config);
        string?[] simple = [parse.GetValue(SourceImage), parse.GetValue(SourceLabels), parse.GetValue(SourceBands), parse.GetValue(TargetImage),
            parse.GetValue(TargetBands), parse.GetValue(TargetLabels), parse.GetValue(Classes), parse.GetValue(SourceLabelField), parse.GetValue(BandNames)];
        PrepareConfig config;
        if (configFile is not null)
        {
            if (simple.Any(v => v is not null))
            {
                throw new PrepareConfigException(null, ["--config describes the scenes and classes; drop --source-*, --target-*, --classes and --band-names, or drop --config."]);
            }

            config = PrepareConfigReader.Load(configFile.FullName);
        }
        else
        {
            config = FromOptions(parse);
        }

        GridConfig? grid = config.Grid;
        if (parse.GetValue(Crs) is string crs)
        {
            grid = (grid ?? new GridConfig()) with { Crs = crs };
        }

        if (parse.GetValue(PixelSize) is double ps)
        {
            grid = (grid ?? new GridConfig()) with { PixelSize = ps };
        }

        config = config with
        {
            Grid = grid,
            TileSize = parse.GetValue(TileSize) ?? config.TileSize,
            AssumeCrs = parse.GetValue(AssumeCrs) ?? config.AssumeCrs,
            Aoi = parse.GetValue(Aoi) is string aoi ? Path.GetFullPath(aoi) : config.Aoi,
        };
        PrepareConfigReader.ThrowIfInvalid(config, configFile?.FullName);
        return config;
    }

    private static PrepareConfig FromOptions(ParseResult parse)
    {
        var problems = new List<string>();
        string Need(Option<string?> option)
        {
            string? value = parse.GetValue(option);
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{option.Name}: required without --config.");
                return "";
            }

            return value;
        }

        IReadOnlyList<int> Bands(Option<string?> option)
        {
            string text = Need(option);
            var bands = new List<int>();
            foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int b))
                {
                    bands.Add(b);
                }
                else
                {
                    problems.Add($"{option.Name}: '{text}' is not a band list; write e.g. 3,4,2.");
                    break;
                }
            }

            return bands;
        }

        string sourceImage = Need(SourceImage);
        string sourceLabels = Need(SourceLabels);
        IReadOnlyList<int> sourceBands = Bands(SourceBands);
        string targetImage = Need(TargetImage);
        IReadOnlyList<int> targetBands = Bands(TargetBands);
        string classes = Need(Classes);
        if (problems.Count > 0)
        {
            throw new PrepareConfigException(null, problems);
        }

        return new ScenePair
        {
            SourceImage = sourceImage,
            SourceBands = sourceBands,
            SourceLabels = sourceLabels,
            SourceLabelField = parse.GetValue(SourceLabelField),
            TargetImage = targetImage,
            TargetBands = targetBands,
            TargetLabels = parse.GetValue(TargetLabels),
            Classes = classes.Split(',', StringSplitOptions.TrimEntries),
            BandNames = parse.GetValue(BandNames)?.Split(',', StringSplitOptions.TrimEntries),
        }.ToPrepareConfig();
    }


    /// <summary>
    /// Renders progress on stderr: a redrawn single-line bar on a terminal, otherwise a line per
    /// stage and per 10 % (so logs and tests stay readable).
    /// </summary>
    private sealed class ProgressLine(TextWriter writer) : IProgress<PrepareProgress>
    {
        private readonly bool terminal = ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
        private readonly Lock gate = new();
        private string lastStage = "";
        private int lastDecile = -1;

        public void Report(PrepareProgress value)
        {
            lock (gate)
            {
                int percent = (int)Math.Round(value.Fraction * 100);
                string label = $"{value.Stage} {value.Scene}".Trim();
                if (terminal)
                {
                    int filled = percent * 30 / 100;
                    writer.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {percent,3}% {label,-50}");
                    return;
                }

                string key = value.Stage + value.Scene;
                if (key != lastStage || percent / 10 != lastDecile)
                {
                    writer.WriteLine($"prepare {percent,3}% {label}");
                    lastStage = key;
                    lastDecile = percent / 10;
                }
            }
        }

        public void Finish()
        {
            if (terminal)
            {
                writer.WriteLine();
            }
        }
    }
}
