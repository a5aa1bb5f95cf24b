using System.Diagnostics;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Raster.Interop;
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

        ShardAssignment? assigned = request.Shard;
        TileShard? shard = assigned is null ? null : TileShard.Plan(input.Width, input.Height, request.Stitch, assigned.Index, assigned.Count);
        var stitcher = new SlidingWindowPredictor(input, bands, predictor, request.Stitch, shard);
        // A shard's outputs lie on its own rows of the input's grid: a VRT window of the input gives that grid.
        using VirtualRaster? window = shard is null ? null : VirtualRaster.Translate(input,
            ["-of", "VRT", "-srcwin", "0", Invariant(shard.FirstRow), Invariant(input.Width), Invariant(shard.RowCount)]);
        GdalDataset grid = window?.Dataset ?? input;
        string Named(string path) => assigned is null ? path : ShardFiles.ShardPath(path, assigned.Index, assigned.Count);
        using ClassMaskWriter mask = ClassMaskWriter.Create(Named(request.MaskPath), grid, legend, request.MaskOptions);
        using ProbabilityRasterWriter? probabilities = request.ProbabilityPath is null
            ? null
            : new ProbabilityRasterWriter(Named(request.ProbabilityPath), grid, legend, request.ProbabilityFormat, request.MaskOptions);
        using var vectors = request.VectorPath is null ? null : new PendingOutput(Named(request.VectorPath));
        IPredictionSink sink = probabilities is null ? mask : new CompositeSink([mask, probabilities]);

        stitcher.Run(sink, progress, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        mask.Commit();
        probabilities?.Commit();
        if (vectors is not null)
        {
            ClassPolygonizer.Write(mask.Path, vectors.TemporaryPath, legend, request.VectorOptions, cancellationToken);
            vectors.Commit();
        }

        if (shard is not null)
        {
            string folder = Path.GetDirectoryName(mask.Path)!;
            string? Relative(string? path) => path is null ? null : Path.GetRelativePath(folder, path);
            new ShardManifest
            {
                Format = ShardManifest.CurrentFormat,
                Index = shard.Index,
                Count = shard.Count,
                Input = request.InputPath,
                Width = input.Width,
                Height = input.Height,
                GeoTransform = input.GeoTransform?.ToArray(),
                Crs = input.ProjectionWkt ?? "",
                TileSize = request.Stitch.TileSize,
                Overlap = request.Stitch.Overlap,
                Blend = request.Stitch.Blend.ToString(),
                BatchSize = request.Stitch.BatchSize,
                Classes = legend.Names,
                FirstRow = shard.FirstRow,
                EndRow = shard.EndRow,
                FirstTile = shard.FirstTile,
                EndTile = shard.EndTile,
                Mask = Relative(mask.Path)!,
                Probabilities = Relative(probabilities?.Path),
                Polygons = Relative(vectors?.FinalPath),
            }.Write(ShardFiles.ManifestPath(request.MaskPath, shard.Index, shard.Count));
        }

        return new PredictionSummary(mask.Path, probabilities?.Path, vectors?.FinalPath, grid.Width, grid.Height, stitcher.TileCount, clock.Elapsed);
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
