using System.Globalization;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Visualisation;

namespace AdaptSeg.Geo.Evaluation;

/// <summary>
/// The library's entry point for <c>adaptseg evaluate</c>: scores a predicted mask against a reference
/// (<see cref="RasterEvaluator"/>) and writes the JSON report and the plot asked for, both or neither,
/// each under its name only when complete; no report may replace an input.
/// </summary>
public static class RasterEvaluation
{
    /// <summary>Evaluates <paramref name="options"/> and writes its reports.</summary>
    /// <exception cref="UnsafePathException">A report would replace the prediction or the reference.</exception>
    public static EvaluationReport Run(RasterEvaluationOptions options, IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        OutputGuard.Check([("RasterEvaluationOptions.PredictionPath", options.PredictionPath), ("RasterEvaluationOptions.ReferencePath", options.ReferencePath)],
            [("RasterEvaluationOptions.ReportPath", options.ReportPath), ("RasterEvaluationOptions.PlotPath", options.PlotPath)], options.Overwrite, "RasterEvaluationOptions.Overwrite");
        using PendingOutput? json = options.ReportPath is null ? null : new PendingOutput(options.ReportPath);
        using PendingOutput? plot = options.PlotPath is null ? null : new PendingOutput(options.PlotPath);
        EvaluationReport report = RasterEvaluator.Evaluate(options.PredictionPath, options.ReferencePath, options.ClassNames, progress, cancellationToken);
        if (json is not null)
        {
            File.WriteAllText(json.TemporaryPath, report.ToJson());
        }

        if (plot is not null)
        {
            SavePlot(report, plot.TemporaryPath);
        }

        // Both or neither.
        cancellationToken.ThrowIfCancellationRequested();
        PendingOutput.CommitAll([json, plot]);
        return report;
    }

    private static void SavePlot(EvaluationReport report, string path)
    {
        int n = report.Matrix.ClassCount;
        var counts = new long[n, n];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                counts[r, c] = report.Matrix[r, c];
            }
        }

        string title = string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(report.PredictionPath)} vs {Path.GetFileName(report.ReferencePath)}: mIoU {report.MeanIoU * 100:0.0}%, pixel accuracy {report.PixelAccuracy * 100:0.0}%");
        EvaluationPlot.Save(path, [.. report.Classes.Select(c => c.Name)], [.. report.Classes.Select(c => c.IoU)], counts, title);
    }
}
