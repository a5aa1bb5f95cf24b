namespace AdaptSeg.Geo.Evaluation;

/// <summary>What <see cref="RasterEvaluation.Run"/> scores and which reports it writes.</summary>
public sealed record RasterEvaluationOptions
{
    /// <summary>Predicted class mask (uint8, 255 = nodata), for example predict's output.</summary>
    public required string PredictionPath { get; init; }

    /// <summary>Reference class raster (255 = ignore); reprojected onto the prediction's grid when it differs.</summary>
    public required string ReferencePath { get; init; }

    /// <summary>Class names in value order; null to take them from the prediction's category names.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Also write the report as JSON here.</summary>
    public string? ReportPath { get; init; }

    /// <summary>Also write a PNG with per-class IoU bars and the confusion matrix here.</summary>
    public string? PlotPath { get; init; }

    /// <summary>Replace report files that already exist (otherwise that is an error).</summary>
    public bool Overwrite { get; init; }
}
