using System.Diagnostics;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Evaluation;

/// <summary>
/// Sliding-window prediction of a whole raster into a class mask (and optionally a probability
/// raster and class polygons): the entry point <c>adaptseg predict</c> calls once it has a
/// predictor. Streams (see <see cref="SlidingWindowPredictor"/>); every output is written under a
/// temporary name and renamed when it is complete (mask and probabilities after the last row,
/// polygons after them), so an error or Ctrl+C leaves none half-written.
/// </summary>
public static class RasterPrediction
{
    /// <summary>Runs <paramref name="request"/> with <paramref name="predictor"/>.</summary>
    public static PredictionSummary Run(PredictionRequest request, ITilePredictor predictor,
        IProgress<StitchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(predictor);
        var clock = Stopwatch.StartNew();
        using GdalDataset input = GdalDataset.Open(request.InputPath);
        IReadOnlyList<int> bands = request.Bands ?? [.. Enumerable.Range(1, input.BandCount)];
        ClassLegend legend = request.Legend ?? ClassLegend.Numbered(predictor.ClassCount);
        if (legend.Count != predictor.ClassCount)
        {
            throw new ArgumentException($"{legend.Count} class names were given but the model predicts {predictor.ClassCount} classes; give {predictor.ClassCount} names.", nameof(request));
        }

        // The model's training pixel size (resampled through a VRT when the input's differs).
        using ModelGridPlan plan = ModelGridPlan.Create(input, bands, request.ModelGrid, request.Grid);
        GdalDataset grid = plan.OutputGrid;
        var stitcher = new SlidingWindowPredictor(plan.PredictionDataset, bands, predictor, request.Stitch);
        using ClassMaskWriter mask = ClassMaskWriter.Create(request.MaskPath, grid, legend, request.MaskOptions);
        using ProbabilityRasterWriter? probabilities = request.ProbabilityPath is null
            ? null
            : new ProbabilityRasterWriter(request.ProbabilityPath, grid, legend, request.ProbabilityFormat, request.MaskOptions);
        using var vectors = request.VectorPath is null ? null : new PendingOutput(request.VectorPath);
        IPredictionSink sink = plan.Wrap(probabilities is null ? mask : new CompositeSink([mask, probabilities]), predictor.ClassCount);

        stitcher.Run(sink, progress, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        mask.Commit();
        probabilities?.Commit();
        if (vectors is not null)
        {
            ClassPolygonizer.Write(mask.Path, vectors.TemporaryPath, legend, request.VectorOptions, cancellationToken);
            vectors.Commit();
        }

        return new PredictionSummary(mask.Path, probabilities?.Path, vectors?.FinalPath, grid.Width, grid.Height, stitcher.TileCount, clock.Elapsed)
        {
            Grid = plan.Description,
            Warnings = plan.Warnings,
        };
    }
}
