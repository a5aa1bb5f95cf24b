using System.CommandLine;
using System.Globalization;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary><c>adaptseg pseudo-label</c>: class-balanced pseudo-labels of a target scene from one or more models.</summary>
internal sealed class PseudoLabelCommand
{
    private static readonly Option<string[]> Checkpoints = new("--checkpoint")
    {
        Description = "A trained model (model.pth from 'adaptseg train'); repeat to average the softmax of several models.",
        Required = true,
    };

    private static readonly Option<string> Input = new("--input")
    {
        Description = "The target scene to label (GeoTIFF or any raster GDAL reads); it is never modified.",
        Required = true,
    };

    private static readonly Option<string> Output = new("--output")
    {
        Description = "The pseudo-labels to write: uint8 GeoTIFF on the input's grid, 255 = ignore (nodata), colour table and class names, the thresholds in its metadata. " +
            "Give it to 'prepare' as a target scene's \"trainingLabels\".",
        Required = true,
    };

    private static readonly Option<string?> Bands = new("--bands")
    {
        Description = "Input bands fed to the models, 1-based, in their channel order (for example 3,2,1). Default: all bands in file order.",
    };

    private static readonly Option<int> TileSize = new("--tile-size")
    {
        Description = "Tile side in pixels of the model's grid.",
        DefaultValueFactory = _ => 512,
    };

    private static readonly Option<int?> Overlap = new("--overlap")
    {
        Description = "Overlap between neighbouring tiles in pixels. Default: half the tile (Hann) or an eighth (center-crop).",
    };

    private static readonly Option<string> Blend = new("--blend")
    {
        Description = "'hann' (default) or 'center-crop', as in 'adaptseg predict'.",
        DefaultValueFactory = _ => "hann",
    };

    private static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = "Tiles per forward pass.",
        DefaultValueFactory = _ => 4,
    };

    private static readonly Option<string> Device = new("--device")
    {
        Description = "cpu, cuda, cuda:N or auto.",
        DefaultValueFactory = _ => "auto",
    };

    private static readonly Option<string> Grid = new("--grid")
    {
        Description = "'input' (default): predict at the model's training pixel size, bring the probabilities back to the input's pixels bilinearly and label there; " +
            "'model': label on the model's grid. A model without a recorded grid predicts at the input's pixel size, with a warning.",
        DefaultValueFactory = _ => "input",
    };

    private static readonly Option<string> Method = new("--thresholds")
    {
        Description = "How the per-class thresholds are found: 'auto' (default) sorts every max-probability exactly (8 bytes per pixel) when the output has at most " +
            $"{PseudoLabelOptions.DefaultExactPixelLimit.ToString(CultureInfo.InvariantCulture)} pixels (2^24, 128 MiB), and otherwise uses a streaming per-class histogram of " +
            $"{ClassThresholdAccumulator.HistogramBins} bins (thresholds within 7.7e-6 of the exact ones, fixed memory); 'exact' or 'histogram' force one (exact refuses larger scenes).",
        DefaultValueFactory = _ => "auto",
    };

    private static readonly Option<bool> Overwrite = new("--overwrite")
    {
        Description = "Replace the output if it exists (never an input).",
    };

    public static Command Create()
    {
        var command = new Command("pseudo-label",
            "Class-balanced pseudo-labels for self-training (FDA/BDL): the softmax of the models is averaged over the whole scene (tiling and blending as 'predict', streaming); " +
            "per class, the max-probabilities of the pixels whose argmax is that class are sorted and the value at round-half-to-even(0.66 n) (clamped to n-1; 0 for an absent class) " +
            "capped at 0.9 is its threshold; pixels strictly below their class's threshold become 255 (ignore). The output appears under its name only when complete.")
        {
            Checkpoints, Input, Output, Bands, TileSize, Overlap, Blend, BatchSize, Device, Grid, Method, Overwrite,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t), "cancelled; no output was written (partial files were removed).")));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter err = parse.Err();
        PseudoLabelOptions options = BuildOptions(parse);
        PseudoLabelResult result;
        using (var progress = new ProgressLine<StitchProgress>(err, "pseudo-label", p => (p.TilesDone, p.TileCount)))
        {
            result = PseudoLabelGeneration.Run(options, progress, cancellationToken);
        }

        foreach (string warning in result.Warnings)
        {
            err.WriteLine($"warning: {warning}");
        }

        TextWriter o = parse.Out();
        long labelled = result.KeptPerClass.Sum();
        o.WriteLine($"pseudo-labels {result.OutputPath} ({result.Width}x{result.Height}, {result.Elapsed.TotalSeconds:F1} s)");
        o.WriteLine($"grid          {result.Grid}");
        o.WriteLine($"thresholds    {(result.Method == ThresholdMethod.Exact ? "exact" : "histogram")}");
        for (int c = 0; c < result.ClassNames.Count; c++)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {c,3} {result.ClassNames[c],-16} threshold {result.Thresholds[c]:F4}  predicted {result.PredictedPerClass[c],10}  kept {result.KeptPerClass[c],10}"));
        }

        o.WriteLine($"labelled      {labelled} pixels; ignored {result.Ignored} below threshold, {result.NoData} nodata");
        return ExitCodes.Success;
    }

    private static PseudoLabelOptions BuildOptions(ParseResult parse)
    {
        BlendMode blend = CommandArguments.ParseBlend(parse.GetValue(Blend)!);
        int tile = parse.GetValue(TileSize);
        int overlap = parse.GetValue(Overlap) ?? CommandArguments.DefaultOverlap(blend, tile);
        if (tile < 16 || overlap < 0 || overlap >= tile)
        {
            throw new ArgumentException($"--tile-size {tile} with --overlap {overlap}: the tile must be at least 16 pixels and the overlap between 0 and the tile size minus one.");
        }

        string? bands = parse.GetValue(Bands);
        var options = new PseudoLabelOptions
        {
            Checkpoints = parse.GetValue(Checkpoints)!,
            InputPath = parse.GetValue(Input)!,
            OutputPath = parse.GetValue(Output)!,
            Bands = bands is null ? null : CommandArguments.ParseBands(bands, "--bands"),
            Device = parse.GetValue(Device)!,
            Stitch = new StitchOptions { TileSize = tile, Overlap = overlap, Blend = blend, BatchSize = parse.GetValue(BatchSize) },
            Grid = CommandArguments.ParseGrid(parse.GetValue(Grid)!),
            Method = parse.GetValue(Method)!.ToLowerInvariant() switch
            {
                "auto" => null,
                "exact" => ThresholdMethod.Exact,
                "histogram" => ThresholdMethod.Histogram,
                var other => throw new ArgumentException($"--thresholds '{other}' is not known; use auto, exact or histogram."),
            },
            Overwrite = parse.GetValue(Overwrite),
        };
        options.Validate();
        return options;
    }
}
