namespace AdaptSeg.Geo.Inference;

/// <summary>What <see cref="PseudoLabelGeneration.Run"/> wrote.</summary>
public sealed record PseudoLabelResult
{
    /// <summary>The pseudo-label raster.</summary>
    public required string OutputPath { get; init; }

    /// <summary>Class names, in value order.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>The threshold of each class (0 for a class no pixel was assigned).</summary>
    public required IReadOnlyList<double> Thresholds { get; init; }

    /// <summary>Pixels whose argmax is each class, before thresholding.</summary>
    public required IReadOnlyList<long> PredictedPerClass { get; init; }

    /// <summary>Pixels kept per class (at or above the threshold).</summary>
    public required IReadOnlyList<long> KeptPerClass { get; init; }

    /// <summary>Pixels set to 255 because they were below their class's threshold.</summary>
    public required long Ignored { get; init; }

    /// <summary>Pixels with no prediction (nodata in the input).</summary>
    public required long NoData { get; init; }

    /// <summary>Exact sort or histogram.</summary>
    public required ThresholdMethod Method { get; init; }

    /// <summary>Output size.</summary>
    public required int Width { get; init; }

    /// <summary>Output size.</summary>
    public required int Height { get; init; }

    /// <summary>Which grids were used.</summary>
    public required string Grid { get; init; }

    /// <summary>Things the user should know (a model without a recorded grid, models on different grids).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>Wall time.</summary>
    public required TimeSpan Elapsed { get; init; }
}
