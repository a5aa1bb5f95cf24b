using System.CommandLine;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary><c>adaptseg evaluate</c>: score a predicted class mask against a reference.</summary>
internal sealed class EvaluateCommand
{
    private static readonly Option<string> Prediction = new("--prediction")
    {
        Description = "The predicted class mask (uint8 GeoTIFF, 255 = nodata), for example the output of 'adaptseg predict'.",
        Required = true,
    };

    private static readonly Option<string> Reference = new("--reference")
    {
        Description = "The reference labels (uint8, 255 = ignore). Reprojected onto the prediction's grid with nearest neighbour (overviews ignored) when the grids differ.",
        Required = true,
    };

    private static readonly Option<string?> Classes = new("--classes")
    {
        Description = "Class names in value order, comma-separated (water,vegetation,other). Default: the class names stored in the prediction.",
    };

    private static readonly Option<string?> Json = new("--json")
    {
        Description = "Also write the report as JSON to this file (scores in percent, undefined ones null).",
    };

    private static readonly Option<bool> Overwrite = new("--overwrite")
    {
        Description = "Replace an existing --json or --plot file (never one of the input rasters).",
    };

    private static readonly Option<string?> Plot = new("--plot")
    {
        Description = "Also draw the report as a PNG: IoU per class as bars and the confusion matrix as a heatmap (percent of each reference class).",
    };

    public static Command Create()
    {
        var command = new Command("evaluate",
            "Compare a predicted class mask with reference labels: confusion matrix, per-class IoU, precision, recall and F1, " +
            "pixel accuracy and mIoU (mean over classes present in either raster, as compute_iou.py). Reference pixels of 255 are not counted. " +
            "Streams by strips, so any raster size works. Exit 2 on unreadable rasters or label values outside the classes.")
        {
            Prediction,
            Reference,
            Classes,
            Json,
            Overwrite,
            Plot,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t), "cancelled; nothing was written.")));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter err = parse.Err();
        string? classes = parse.GetValue(Classes);
        IReadOnlyList<string>? names = classes is null ? null : CommandArguments.ParseNames(classes, "--classes");
        string? jsonPath = parse.GetValue(Json);
        string prediction = parse.GetValue(Prediction)!;
        string reference = parse.GetValue(Reference)!;
        string? plotPath = parse.GetValue(Plot);
        EvaluationReport report;
        using (var progress = new ProgressLine<EvaluationProgress>(err, "evaluate", p => (p.RowsDone, p.Height)))
        {
            report = RasterEvaluation.Run(new RasterEvaluationOptions
            {
                PredictionPath = prediction,
                ReferencePath = reference,
                ClassNames = names,
                ReportPath = jsonPath,
                PlotPath = plotPath,
                Overwrite = parse.GetValue(Overwrite),
            }, progress, cancellationToken);
        }

        if (report.ReferenceReprojected)
        {
            err.WriteLine("note: the reference was reprojected onto the prediction's grid (nearest neighbour, overviews ignored).");
        }

        parse.Out().Write(report.ToTable());
        if (jsonPath is not null)
        {
            parse.Out().WriteLine($"report written to {Path.GetFullPath(jsonPath)}");
        }

        if (plotPath is not null)
        {
            parse.Out().WriteLine($"plot written to {Path.GetFullPath(plotPath)}");
        }

        return ExitCodes.Success;
    }
}
