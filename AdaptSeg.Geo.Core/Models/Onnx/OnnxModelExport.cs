using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Raster;
using Google.Protobuf;
using Onnx;

namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>
/// The <c>export onnx</c> job: reads a model.pth, builds its ONNX graph with the Deepness metadata
/// and writes it atomically (a temporary name, renamed when complete).
/// </summary>
public static class OnnxModelExport
{
    /// <summary>Why <c>resolution</c> is left out of a model that records no training grid (written before grids were recorded).</summary>
    public const string NoResolutionNote =
        "resolution not written: the model file does not record the training grid's pixel size; set it in Deepness (cm/px).";

    /// <summary>Why <c>resolution</c> is left out of a model trained on a grid that is not in metres.</summary>
    public const string NotMetresNote =
        "resolution not written: the model was trained on a grid whose units are not metres (Deepness wants cm/px); set it in Deepness.";

    /// <summary>
    /// Exports <see cref="OnnxExportRequest.CheckpointPath"/> to <see cref="OnnxExportRequest.OutputPath"/>;
    /// with <see cref="OnnxQuantization.Int8"/>, calibrates on the target images of
    /// <see cref="OnnxExportRequest.CalibrationFolder"/> and writes the QDQ graph.
    /// </summary>
    public static OnnxExportSummary Run(OnnxExportRequest request, IProgress<OnnxExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Quantization == OnnxQuantization.Int8 && request.CalibrationFolder is null)
        {
            throw new ArgumentException("The int8 export calibrates its activations on target tiles: give OnnxExportRequest.CalibrationFolder, the 'adaptseg prepare' output the model was trained from.");
        }

        if (request.Quantization == OnnxQuantization.None && request.CalibrationFolder is not null)
        {
            throw new ArgumentException($"OnnxExportRequest.CalibrationFolder '{request.CalibrationFolder}' is only used by the int8 export; ask for OnnxQuantization.Int8 or leave it out.");
        }

        if (!File.Exists(request.CheckpointPath))
        {
            throw new FileNotFoundException($"The model '{request.CheckpointPath}' does not exist; give the model.pth written by 'adaptseg train'.", request.CheckpointPath);
        }

        string output = Path.GetFullPath(request.OutputPath);
        // By file identity (links included): the .onnx is never the model it is exported from.
        string? itemPath = request.StacItem ? OnnxStacItem.PathFor(output) : null;
        OutputGuard.Check([("OnnxExportRequest.CheckpointPath", request.CheckpointPath)],
            [("OnnxExportRequest.OutputPath", request.OutputPath), ("the STAC Item of OnnxExportRequest.OutputPath", itemPath)], request.Overwrite, "OnnxExportRequest.Overwrite");

        new OnnxExportOptions { Opset = request.Opset }.Validate();
        request.Calibration.Validate();
        var (network, description) = ModelPackage.Load(request.CheckpointPath, TorchSharp.torch.CPU);
        using (network)
        {
            var (statistics, domain) = ChooseStatistics(description, request.UseSourceStatistics, request.CheckpointPath);
            var (resolution, note) = ResolutionMetres(description.TrainingGrid);
            var metadata = DeepnessMetadata.Build(description.Classes, statistics, domain, request.TileSize, request.OverlapPercent,
                resolutionMetres: resolution, bandNames: description.BandNames, outputCount: request.Heads == OnnxHeads.Both ? 2 : 1,
                trainingGrid: description.TrainingGrid).ToList();
            var options = new OnnxExportOptions
            {
                Heads = request.Heads,
                Opset = request.Opset,
                InputSize = request.DynamicSize ? null : request.TileSize,
                Metadata = metadata,
            };
            ModelProto model = DeepLabOnnxExporter.Build(network, options, cancellationToken);
            OnnxQuantizationSummary? quantization = null;
            if (request.Quantization == OnnxQuantization.Int8)
            {
                (model, quantization) = QuantizeInt8(model, statistics, request.CalibrationFolder!, request.Calibration, progress, cancellationToken);
                var entry = new KeyValuePair<string, string>(DeepnessMetadata.Quantization, QuantizationMetadata(quantization, request.Calibration));
                model.MetadataProps.Add(new StringStringEntryProto { Key = entry.Key, Value = entry.Value });
                metadata.Add(entry);
            }

            using var pending = new PendingOutput(output);
            using (var stream = File.Create(pending.TemporaryPath))
            {
                model.WriteTo(stream);
            }

            using var item = itemPath is null ? null : new PendingOutput(itemPath);
            if (item is not null)
            {
                File.WriteAllText(item.TemporaryPath, OnnxStacItem.Build(output, itemPath!, description, statistics, domain, request.Heads,
                    options.InputSize, DateTimeOffset.UtcNow));
            }

            cancellationToken.ThrowIfCancellationRequested();
            PendingOutput.CommitAll([pending, item]);
            return new OnnxExportSummary(output, new FileInfo(output).Length, model.IrVersion, request.Opset, metadata, note) { StacItemPath = itemPath, Quantization = quantization };
        }
    }

    /// <summary>
    /// The QDQ int8 graph of <paramref name="floatModel"/>: activation ranges measured on up to
    /// <see cref="CalibrationOptions.Tiles"/> target tiles of <paramref name="calibrationFolder"/>
    /// (normalised with <paramref name="statistics"/>, the statistics the graph's input is normalised with).
    /// </summary>
    public static (ModelProto Model, OnnxQuantizationSummary Summary) QuantizeInt8(
        ModelProto floatModel, BandStatistics statistics, string calibrationFolder, CalibrationOptions calibration,
        IProgress<OnnxExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        CalibrationSet tiles = CalibrationTiles.FromPreparedTarget(calibrationFolder, statistics, calibration, cancellationToken);
        return QuantizeInt8(floatModel, tiles, calibration, progress, cancellationToken);
    }

    /// <summary>The QDQ int8 graph of <paramref name="floatModel"/>, calibrated on <paramref name="tiles"/>.</summary>
    public static (ModelProto Model, OnnxQuantizationSummary Summary) QuantizeInt8(
        ModelProto floatModel, CalibrationSet tiles, CalibrationOptions calibration,
        IProgress<OnnxExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(calibration);
        QdqPlan plan = QdqQuantizer.Plan(floatModel);
        var ranges = ActivationCalibrator.Calibrate(floatModel, plan.CalibratedTensors, tiles, calibration, progress, cancellationToken);
        int planned = plan.Convolutions.Count;
        plan = QdqQuantizer.WithoutCancellingAdds(floatModel, plan, ranges, calibration.MaximumCancellation);
        ModelProto quantized = QdqQuantizer.Quantize(floatModel, ranges, plan);
        quantized.DocString = floatModel.DocString + " Quantised to int8 (QDQ): per-channel symmetric int8 weights, per-tensor uint8 activations.";
        int convolutions = floatModel.Graph.Node.Count(n => n.OpType == "Conv");
        string method = calibration.Method == CalibrationMethod.MinMax ? "min-max" : $"percentile {calibration.Percentile.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return (quantized, new OnnxQuantizationSummary(plan.Convolutions.Count, convolutions - plan.Convolutions.Count, plan.Tensors.Count, tiles.Tiles.Count, tiles.Size, method, tiles.Scenes,
            planned - plan.Convolutions.Count));
    }

    private static string QuantizationMetadata(OnnxQuantizationSummary summary, CalibrationOptions calibration) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            format = "qdq",
            weights = "int8, per output channel, symmetric",
            activations = "uint8, per tensor",
            quantizedConvolutions = summary.QuantizedConvolutions,
            floatConvolutions = summary.FloatConvolutions,
            floatBesideCancellingAdditions = summary.CancellingConvolutions,
            calibration = new
            {
                method = summary.Method,
                tiles = summary.CalibrationTiles,
                tileSize = summary.CalibrationTileSize,
                minimumValidFraction = calibration.MinimumValidFraction,
                domain = "target (images only)",
                scenes = summary.Scenes.Select(Path.GetFileName),
            },
        });

    /// <summary>The training grid's pixel size in metres, or null and why not (no grid, or a grid in degrees or other units).</summary>
    public static (double? Metres, string? Note) ResolutionMetres(TrainingGrid? grid)
    {
        if (grid is null)
        {
            return (null, NoResolutionNote);
        }

        using SpatialReference crs = SpatialReference.FromWkt(grid.CrsWkt);
        return crs.IsProjected ? (grid.PixelSize * crs.LinearUnitInMetres, null) : (null, NotMetresNote);
    }

    /// <summary>
    /// The statistics a model normalises its input with: the target domain's (what it was adapted
    /// with), or the source's when asked or when the model has no target statistics; and which.
    /// </summary>
    public static (BandStatistics Statistics, string Domain) ChooseStatistics(ModelDescription description, bool useSource, string path)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (!useSource && description.TargetStatistics is { } target)
        {
            return (target, "target");
        }

        return description.SourceStatistics is { } source
            ? (source, "source")
            : throw new InvalidDataException($"'{path}' holds no band statistics to normalise the input with; re-export it from 'adaptseg train'.");
    }
}
