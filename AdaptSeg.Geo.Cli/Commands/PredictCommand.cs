using System.CommandLine;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary><c>adaptseg predict</c>: sliding-window prediction of a raster into a class mask.</summary>
internal sealed partial class PredictCommand
{
    private static readonly Option<string?> Input = new("--input")
    {
        Description = "The image to classify (GeoTIFF or any raster GDAL reads, also remote: /vsicurl/https://..., /vsis3/...; or a STAC Item .json with --stac-assets). Or give --inputs.",
    };

    private static readonly Option<string> Output = new("--output")
    {
        Description = "The class mask to write: uint8 GeoTIFF on the input's grid, nodata 255, tiled and compressed, with colour table, class names and attribute table.",
        Required = true,
    };

    private static readonly Option<string> Checkpoint = new("--checkpoint")
    {
        Description = "The trained model (model.pth written by 'adaptseg train'; it carries the classes and band statistics).",
        Required = true,
    };

    private static readonly Option<string?> Bands = new("--bands")
    {
        Description = "Input bands fed to the model, 1-based, in the model's channel order (for example 3,2,1). Default: all bands in file order.",
    };

    private static readonly Option<string?> Classes = new("--classes")
    {
        Description = "Class names in value order, comma-separated; default: the names stored in the model.",
    };

    private static readonly Option<string> Engine = new("--engine")
    {
        Description = "What runs the network: 'auto' (default: int8 ONNX Runtime for a quantised .onnx; for a model.pth on the CPU the faster float32 engine, " +
            "measured once per model, CPU, thread count and tile size and cached beside the model as <model>.engine.json; TorchSharp on CUDA), " +
            "'torchsharp', or 'onnxruntime' (--checkpoint may then also be a .onnx from 'adaptseg export onnx', float32 or int8; a model.pth is exported in memory). " +
            "Same tiling, blending and outputs. The choice and its reason are printed.",
        DefaultValueFactory = _ => "auto",
    };

    private static readonly Option<string?> Probabilities = new("--probabilities")
    {
        Description = "Also write the blended class probabilities here, one band per class.",
    };

    private static readonly Option<string> ProbabilityFormat = new("--probability-format")
    {
        Description = "'percent' (uint8 0..100, nodata 255; default) or 'float32' (0..1, nodata NaN).",
        DefaultValueFactory = _ => "percent",
    };

    private static readonly Option<string?> Vectors = new("--vectors")
    {
        Description = "Also write class polygons to this GeoPackage (.gpkg), layer 'classes', fields class, class_name, area.",
    };

    private static readonly Option<double> MinArea = new("--min-area")
    {
        Description = "Drop polygons smaller than this area (squared CRS units, m² for projected CRSs).",
        DefaultValueFactory = _ => 0,
    };

    private static readonly Option<double> Simplify = new("--simplify")
    {
        Description = "Simplify polygon outlines with this tolerance (CRS units); 0 keeps the pixel outlines.",
        DefaultValueFactory = _ => 0,
    };

    private static readonly Option<string> Grid = new("--grid")
    {
        Description = "The grid of the outputs. The input is always predicted at the pixel size the model was trained on (recorded in model.pth; " +
            "resampled on the fly, bilinear). 'input' (default): probabilities are brought back to the input's pixels bilinearly and the argmax taken there. " +
            "'model': write on the model's pixel size (and CRS when the input's units differ). A model without a recorded grid predicts at the input's pixel size, with a warning.",
        DefaultValueFactory = _ => "input",
    };

    /// <summary>The verb, with the factory that turns --checkpoint into a predictor (tests pass their own).</summary>
    public static Command Create(ITilePredictorFactory? factory = null)
    {
        factory ??= new CheckpointPredictorFactory();
        var command = new Command("predict",
            "Classify a raster with a trained model, tile by tile: tiles of --tile-size overlap by --overlap (the last row and column are " +
            "moved inside the raster), softmax probabilities are blended with a 2-D window and the argmax is written as a class mask on the input's grid. " +
            "Streams, so memory does not grow with the raster's height. Pixels that are nodata in any input band are nodata (255). " +
            "Outputs appear under their names only when complete; Ctrl+C leaves none half-written.")
        {
            Input, Output, Checkpoint, Bands, Classes, CommonOptions.Device, Engine,
            Probabilities, ProbabilityFormat, Vectors, MinArea, Simplify, CommonOptions.Overwrite, Grid,
        };
        StitchOptionGroup.AddTo(command);
        OutputOptionGroup.AddTo(command);
        AddScaleOptions(command);
        command.SetAction((parse, token) => Task.FromResult(parse.GetValue(Inputs) is null
            ? CommandErrors.Run(parse, token, t => Run(parse, factory, t), "cancelled; no output was written (partial files were removed).")
            : CommandErrors.Run(parse, token, t => RunScenes(parse, factory, t), ScenesCancelled)));
        return command;
    }

    private static int Run(ParseResult parse, ITilePredictorFactory factory, CancellationToken cancellationToken)
    {
        TextWriter err = parse.Err();
        PredictionRequest request = BuildRequest(parse, err, parse.GetValue(Input) ?? throw new ArgumentException("Give --input (one raster) or --inputs (many scenes)."), parse.GetValue(Output)!, checkInput: true);
        ITilePredictorFactory engine = EngineFactory(parse, factory, request.Stitch.TileSize);
        ITilePredictor predictor = engine.Create(parse.GetValue(Checkpoint)!, parse.GetValue(CommonOptions.Device)!);
        parse.Out().WriteLine($"engine        {DescribeEngine(parse, engine, predictor)}");
        request = RasterPrediction.WithModelDefaults(request, predictor);
        try
        {
            if (predictor is OnnxTilePredictor { FixedSize: { } size } && (size.Height != request.Stitch.TileSize || size.Width != request.Stitch.TileSize))
            {
                throw new ArgumentException(
                    $"'{parse.GetValue(Checkpoint)}' was exported for {size.Height}x{size.Width} tiles; predict with --tile-size {size.Height}, " +
                    "or export it again with --dynamic-size (or pass the model.pth) for any tile size.");
            }

            PredictionSummary summary;
            using (var progress = new ProgressLine<StitchProgress>(err, "predict", p => (p.TilesDone, p.TileCount)))
            {
                summary = RasterPrediction.Run(request, predictor, progress, cancellationToken);
            }

            TextWriter o = parse.Out();
            foreach (string warning in summary.Warnings)
            {
                err.WriteLine($"warning: {warning}");
            }

            foreach (string note in summary.Notes)
            {
                err.WriteLine($"note: {LibraryOptionNames.Apply(note)}");
            }

            o.WriteLine($"grid          {summary.Grid}");
            o.WriteLine($"mask          {summary.MaskPath} ({summary.Width}x{summary.Height}, {summary.Tiles} tiles, {summary.Elapsed.TotalSeconds:F1} s, {FormatMegapixelsPerSecond(summary.MegapixelsPerSecond)} MPix/s)");
            o.WriteLine($"class shares  {ClassShares.Format(summary.ClassNames, summary.ClassShares)} of {summary.ClassPixels.Sum()} classified pixels");
            if (summary.ProbabilityPath is not null)
            {
                o.WriteLine($"probabilities {summary.ProbabilityPath}");
            }

            if (summary.VectorPath is not null)
            {
                o.WriteLine($"polygons      {summary.VectorPath} (layer '{ClassPolygonizer.LayerName}')");
            }

            if (request.StacItem && request.Shard is null)
            {
                o.WriteLine($"STAC Item     {PredictionStacItem.PathFor(summary.MaskPath)}");
            }

            return ExitCodes.Success;
        }
        finally
        {
            (predictor as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// What runs the network: the given (TorchSharp) factory, ONNX Runtime, or for 'auto' Core's
    /// <see cref="AutoEngineFactory"/> (a factory a library caller or a test passed in is used as it is).
    /// </summary>
    private static ITilePredictorFactory EngineFactory(ParseResult parse, ITilePredictorFactory factory, int tileSize) =>
        parse.GetValue(Engine)!.Trim().ToLowerInvariant() switch
        {
            "auto" => factory is CheckpointPredictorFactory ? new AutoEngineFactory { TileSize = tileSize } : factory,
            "torchsharp" => factory,
            "onnxruntime" => new OnnxRuntimePredictorFactory(),
            var other => throw new ArgumentException($"--engine '{other}' is not known; use auto, torchsharp or onnxruntime."),
        };

    /// <summary>The engine line: what runs, with how many threads, and (for auto) why.</summary>
    private static string DescribeEngine(ParseResult parse, ITilePredictorFactory engine, ITilePredictor predictor) => engine switch
    {
        AutoEngineFactory { LastChoice: { } choice } => choice.ToString(),
        _ => predictor switch
        {
            OnnxTilePredictor onnx => $"onnxruntime {(onnx.IsQuantized ? "int8" : "float32")}, {onnx.IntraOpThreads} thread(s): --engine {parse.GetValue(Engine)}",
            NetworkTilePredictor => $"torchsharp float32, {TorchSharp.torch.get_num_threads()} thread(s): --engine {parse.GetValue(Engine)}",
            _ => $"{predictor.GetType().Name} (given by the caller)",
        },
    };

    /// <summary>Cross-option checks first, before any model is loaded or file written.</summary>
    private static PredictionRequest BuildRequest(ParseResult parse, TextWriter err, string input, string output, bool checkInput)
    {
        ShardAssignment? shard = ParseShard(parse);
        string asGiven = input;
        string? item = null;
        if (checkInput)
        {
            OutputGuard.ThrowIfNotUtf8("--input", input);
            (input, item) = ResolveInput(parse, input, CancellationToken.None);
        }

        StitchOptions stitch = StitchOptionGroup.Parse(parse);
        MaskOutputOptions maskOptions = OutputOptionGroup.Parse(parse);
        ProbabilityFormat format = parse.GetValue(ProbabilityFormat)!.ToLowerInvariant() switch
        {
            "percent" => Raster.ProbabilityFormat.Percent,
            "float32" => Raster.ProbabilityFormat.Float32,
            var other => throw new ArgumentException($"--probability-format '{other}' is not known; use percent or float32."),
        };
        string? vectors = parse.GetValue(Vectors);
        if (vectors is not null && !vectors.EndsWith(".gpkg", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"--vectors '{vectors}' must be a GeoPackage file ending in .gpkg.");
        }

        var polygons = new PolygonOptions { MinimumArea = parse.GetValue(MinArea), SimplifyTolerance = parse.GetValue(Simplify) };
        polygons.Validate();
        string? probabilities = parse.GetValue(Probabilities);
        string? classes = parse.GetValue(Classes);
        string? bands = parse.GetValue(Bands);
        return new PredictionRequest
        {
            InputPath = input,
            ModelPath = parse.GetValue(Checkpoint),
            Overwrite = parse.GetValue(CommonOptions.Overwrite),
            Bands = bands is null ? null : CommandArguments.ParseBands(bands, "--bands"),
            MaskPath = output,
            Legend = classes is null ? null : ClassLegend.FromNames(CommandArguments.ParseNames(classes, "--classes")),
            Stitch = stitch,
            MaskOptions = maskOptions,
            ProbabilityPath = probabilities,
            ProbabilityFormat = format,
            VectorPath = vectors,
            VectorOptions = polygons,
            Shard = shard,
            Grid = CommandArguments.ParseGrid(parse.GetValue(Grid)!),
            StacItem = !parse.GetValue(NoStac),
            StacSource = checkInput ? asGiven : null,
            StacSourceIsItem = item is not null,
            StacSourceItem = item,
        };
    }

    /// <summary>Three significant digits, never in exponent form, never "0.0" for a slow but real rate: 1234, 45.6, 4.12, 0.0123.</summary>
    internal static string FormatMegapixelsPerSecond(double value)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            return "0";
        }

        int decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(value)), 0, 9);
        return value.ToString("F" + decimals.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
    }
}
