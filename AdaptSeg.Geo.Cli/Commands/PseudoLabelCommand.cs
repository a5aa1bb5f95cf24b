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

    public static Command Create()
    {
        var command = new Command("pseudo-label",
            "Class-balanced pseudo-labels for self-training (FDA/BDL): the softmax of the models is averaged over the whole scene (tiling and blending as 'predict', streaming); " +
            "per class, the max-probabilities of the pixels whose argmax is that class are sorted and the value at round-half-to-even(0.66 n) (clamped to n-1; 0 for an absent class) " +
            "capped at 0.9 is its threshold; pixels strictly below their class's threshold become 255 (ignore). The output appears under its name only when complete.")
        {
            Checkpoints, Input, Output, Bands, CommonOptions.Device, Grid, Method, CommonOptions.Overwrite,
        };
        StitchOptionGroup.AddTo(command);
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
        string? bands = parse.GetValue(Bands);
        var options = new PseudoLabelOptions
        {
            Checkpoints = parse.GetValue(Checkpoints)!,
            InputPath = parse.GetValue(Input)!,
            OutputPath = parse.GetValue(Output)!,
            Bands = bands is null ? null : CommandArguments.ParseBands(bands, "--bands"),
            Device = parse.GetValue(CommonOptions.Device)!,
            Stitch = StitchOptionGroup.Parse(parse),
            Grid = CommandArguments.ParseGrid(parse.GetValue(Grid)!),
            Method = parse.GetValue(Method)!.ToLowerInvariant() switch
            {
                "auto" => null,
                "exact" => ThresholdMethod.Exact,
                "histogram" => ThresholdMethod.Histogram,
                var other => throw new ArgumentException($"--thresholds '{other}' is not known; use auto, exact or histogram."),
            },
            Overwrite = parse.GetValue(CommonOptions.Overwrite),
        };
        options.Validate();
        return options;
    }
}
