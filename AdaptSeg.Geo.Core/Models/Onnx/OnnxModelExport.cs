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

    /// <summary>Exports <see cref="OnnxExportRequest.CheckpointPath"/> to <see cref="OnnxExportRequest.OutputPath"/>.</summary>
    public static OnnxExportSummary Run(OnnxExportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
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
        var (network, description) = ModelPackage.Load(request.CheckpointPath, TorchSharp.torch.CPU);
        using (network)
        {
            var (statistics, domain) = ChooseStatistics(description, request.UseSourceStatistics, request.CheckpointPath);
            var (resolution, note) = ResolutionMetres(description.TrainingGrid);
            var metadata = DeepnessMetadata.Build(description.Classes, statistics, domain, request.TileSize, request.OverlapPercent,
                resolutionMetres: resolution, bandNames: description.BandNames, outputCount: request.Heads == OnnxHeads.Both ? 2 : 1);
            var options = new OnnxExportOptions
            {
                Heads = request.Heads,
                Opset = request.Opset,
                InputSize = request.DynamicSize ? null : request.TileSize,
                Metadata = metadata,
            };
            ModelProto model = DeepLabOnnxExporter.Build(network, options, cancellationToken);
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
            return new OnnxExportSummary(output, new FileInfo(output).Length, model.IrVersion, request.Opset, metadata, note) { StacItemPath = itemPath };
        }
    }

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
