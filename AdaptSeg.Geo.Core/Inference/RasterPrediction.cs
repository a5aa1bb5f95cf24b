using System.Diagnostics;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Sliding-window prediction of a whole raster into a class mask (and optionally a probability
/// raster and class polygons): the entry point <c>adaptseg predict</c> calls once it has a
/// predictor. Streams (see <see cref="SlidingWindowPredictor"/>); every output is written under a
/// temporary name and all are renamed together once every one is complete (a failed rename takes
/// back those already renamed), so an error or Ctrl+C leaves none half-written and no run leaves
/// only some of its outputs. A tile larger than the raster is clamped to it, and settings whose
/// buffers would not fit in memory are refused before anything is allocated. Before any work, no output
/// (nor a shard's manifest, nor the mask's QGIS style or STAC Item) may be an input, by file identity, and an existing
/// output is replaced only with <see cref="PredictionRequest.Overwrite"/>.
/// </summary>
public static class RasterPrediction
{
    /// <summary>Runs <paramref name="request"/> with <paramref name="predictor"/>.</summary>
    public static PredictionSummary Run(PredictionRequest request, ITilePredictor predictor,
        IProgress<StitchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(predictor);
        CheckOutputs(request);
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
        GdalDataset predicted = plan.PredictionDataset;
        StitchOptions stitch = request.Stitch.ClampedTo(predicted.Width, predicted.Height);
        var notes = new List<string>();
        if (stitch.TileSize != request.Stitch.TileSize)
        {
            notes.Add($"StitchOptions.TileSize {request.Stitch.TileSize} is larger than the raster ({predicted.Width}x{predicted.Height}); using {stitch.TileSize}, one tile across.");
        }

        PredictionMemory.ThrowIfTooLarge(stitch, predicted.Width, predicted.Height, bands.Count, predictor.ClassCount);
        ShardAssignment? assigned = request.Shard;
        if (assigned is not null && plan.ResamplesBack)
        {
            throw new ArgumentException(
                $"A shard is a block of rows of the grid the model predicts on, but '{request.InputPath}' is at another pixel size than the model's ({plan.Description}) " +
                "and would be resampled back to its own grid. Shard with PredictionRequest.Grid = Model (the shards and their mosaic are then on the model's grid), or resample the input to the model's pixel size first.", nameof(request));
        }

        TileShard? shard = assigned is null ? null : TileShard.Plan(predicted.Width, predicted.Height, stitch, assigned.Index, assigned.Count);
        var stitcher = new SlidingWindowPredictor(predicted, bands, predictor, stitch, shard);
        GdalDataset outputGrid = plan.OutputGrid;
        // A shard's outputs lie on its own rows of the output grid: a VRT window of that grid gives them.
        using VirtualRaster? window = shard is null ? null : VirtualRaster.Translate(outputGrid,
            ["-of", "VRT", "-srcwin", "0", Invariant(shard.FirstRow), Invariant(outputGrid.Width), Invariant(shard.RowCount)]);
        GdalDataset grid = window?.Dataset ?? outputGrid;
        string ShardNamed(string path) => assigned is null ? path : ShardFiles.ShardPath(path, assigned.Index, assigned.Count);
        using ClassMaskWriter mask = ClassMaskWriter.Create(ShardNamed(request.MaskPath), grid, legend, request.MaskOptions);
        using ProbabilityRasterWriter? probabilities = request.ProbabilityPath is null
            ? null
            : new ProbabilityRasterWriter(ShardNamed(request.ProbabilityPath), grid, legend, request.ProbabilityFormat, request.MaskOptions);
        using var vectors = request.VectorPath is null ? null : new PendingOutput(ShardNamed(request.VectorPath));
        string? sourceItem = request.StacItem && assigned is null && request.StacSourceIsItem
            ? request.StacSourceItem ?? StacItemRaster.ReadItem(request.StacSource!, cancellationToken)
            : null;
        using var stac = request.StacItem && assigned is null ? new PendingOutput(PredictionStacItem.PathFor(request.MaskPath)) : null;
        var counted = new ClassCountingSink(mask, predictor.ClassCount);
        IPredictionSink sink = plan.Wrap(probabilities is null ? counted : new CompositeSink([counted, probabilities]), predictor.ClassCount);

        try
        {
            stitcher.Run(sink, progress, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            mask.Finish();
            probabilities?.Finish();
            if (vectors is not null)
            {
                try
                {
                    ClassPolygonizer.Write(mask.Output.TemporaryPath, vectors.TemporaryPath, legend, request.VectorOptions, cancellationToken);
                }
                catch (GdalException e)
                {
                    throw new GdalException($"Writing the polygons '{vectors.FinalPath}' failed (a full disk or a folder that is not writable?).", e.GdalMessage, vectors.FinalPath);
                }
            }
        }
        catch (GdalException e)
        {
            throw Named(e, [mask.Output, probabilities?.Output, vectors]);
        }

        if (stac is not null)
        {
            File.WriteAllText(stac.TemporaryPath, PredictionStacItem.Build(grid, mask.Path, stac.FinalPath, legend, request.MaskOptions.Cog,
                request.StacSource ?? request.InputPath, sourceItem, probabilities?.Path, vectors?.FinalPath, DateTimeOffset.UtcNow));
        }

        // All or nothing: if one rename fails, the outputs already renamed are taken back.
        cancellationToken.ThrowIfCancellationRequested();
        PendingOutput.CommitAll([.. mask.Outputs, probabilities?.Output, vectors, stac]);

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
                Width = outputGrid.Width,
                Height = outputGrid.Height,
                GeoTransform = outputGrid.GeoTransform?.ToArray(),
                Crs = outputGrid.ProjectionWkt ?? "",
                TileSize = stitch.TileSize,
                Overlap = stitch.Overlap,
                Blend = stitch.Blend.ToString(),
                BatchSize = stitch.BatchSize,
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

        return new PredictionSummary(mask.Path, probabilities?.Path, vectors?.FinalPath, grid.Width, grid.Height, stitcher.TileCount, clock.Elapsed)
        {
            Grid = plan.Description,
            Warnings = plan.Warnings,
            ClassNames = legend.Names,
            ClassPixels = counted.Counts,
            Notes = notes,
        };
    }

    /// <summary>
    /// Every output the request writes (a shard's carry the shard in their names, plus its manifest), and the
    /// mask's QGIS style, against the input and the model, by file identity; existing outputs need
    /// <see cref="PredictionRequest.Overwrite"/>.
    /// </summary>
    private static void CheckOutputs(PredictionRequest request)
    {
        ShardAssignment? shard = request.Shard;
        var named = new List<(string Option, string? Path)>
        {
            ("PredictionRequest.MaskPath", request.MaskPath), ("PredictionRequest.ProbabilityPath", request.ProbabilityPath), ("PredictionRequest.VectorPath", request.VectorPath),
        };
        var outputs = shard is null
            ? named
            : [.. named.Where(n => n.Path is not null).Select(n => (n.Option + $" (shard {shard.Index}/{shard.Count})", (string?)ShardFiles.ShardPath(n.Path!, shard.Index, shard.Count))),
               ("the shard manifest", ShardFiles.ManifestPath(request.MaskPath, shard.Index, shard.Count))];
        string maskPath = shard is null ? request.MaskPath : ShardFiles.ShardPath(request.MaskPath, shard.Index, shard.Count);
        outputs.Add(("the QGIS style of PredictionRequest.MaskPath", QgisStyle.SidecarPathFor(Path.GetFullPath(maskPath))));
        if (shard is null && request.StacItem)
        {
            outputs.Add(("the STAC Item of PredictionRequest.MaskPath", PredictionStacItem.PathFor(request.MaskPath)));
        }

        OutputGuard.Check([("PredictionRequest.InputPath", request.InputPath), ("PredictionRequest.ModelPath", request.ModelPath),
            ("PredictionRequest.StacSource", request.StacSourceIsItem ? request.StacSource : null)], outputs, request.Overwrite, "PredictionRequest.Overwrite");
    }

    /// <summary>
    /// Loads the model.pth at <paramref name="modelPath"/> (written by training), fills in what the request leaves
    /// open from it (see <see cref="WithModelDefaults"/>), runs the request and releases the model.
    /// </summary>
    public static PredictionSummary Run(PredictionRequest request, string modelPath, ModelLoadOptions? model = null,
        IProgress<StitchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        model ??= new ModelLoadOptions();
        using var predictor = (NetworkTilePredictor)new CheckpointPredictorFactory { UseSourceStatistics = model.UseSourceStatistics }.Create(modelPath, model.Device);
        return Run(WithModelDefaults(request, predictor) with { ModelPath = request.ModelPath ?? modelPath }, predictor, progress, cancellationToken);
    }

    /// <summary>
    /// <paramref name="request"/> with what the model records filled in: the class names as the legend when the
    /// request gives none (default colours), and for a trained network the grid it was trained on.
    /// </summary>
    public static PredictionRequest WithModelDefaults(PredictionRequest request, ITilePredictor predictor)
    {
        ArgumentNullException.ThrowIfNull(request);
        return predictor switch
        {
            NetworkTilePredictor network => request with { Legend = request.Legend ?? ClassLegend.FromNames(network.ClassNames), ModelGrid = network.TrainingGrid },
            OnnxTilePredictor onnx => request with { Legend = request.Legend ?? ClassLegend.FromNames(onnx.ClassNames), ModelGrid = onnx.TrainingGrid },
            _ => request,
        };
    }

    /// <summary>
    /// The error with the outputs' temporary names replaced by their final names (the user knows
    /// those), saying that no output of the run was kept.
    /// </summary>
    private static GdalException Named(GdalException e, IEnumerable<PendingOutput?> outputs)
    {
        string message = e.Message;
        string? path = e.Path;
        foreach (PendingOutput output in outputs.OfType<PendingOutput>())
        {
            message = message.Replace(output.TemporaryPath, output.FinalPath, StringComparison.Ordinal);
            if (path is not null && path.StartsWith(output.TemporaryPath, StringComparison.Ordinal))
            {
                path = output.FinalPath;
            }
        }

        return message == e.Message && path == e.Path ? e : new GdalException(message + " No output of this run was kept.", null, path);
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
