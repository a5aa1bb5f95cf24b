namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// The library names its options in messages as <c>Type.Property</c> (<c>PredictionRequest.MaskPath</c>); the
/// command line shows the flag the user typed instead (<c>--output</c>). One table for every verb: the
/// names are qualified by their request type, so they cannot collide.
/// </summary>
internal static class LibraryOptionNames
{
    private static readonly (string Library, string Flag)[] Names =
    [
        ("the QGIS style of PredictionRequest.MaskPath", "the QGIS style of --output"),
        ("the QGIS style of PseudoLabelOptions.OutputPath", "the QGIS style of --output"),
        ("Set PredictionRequest.Grid to Model", "Pass --grid model"),
        ("PredictionRequest.Grid = Model", "--grid model"),
        ("Use the device 'cpu'", "Use --device cpu"),
        ("run on the device 'cpu'", "run with --device cpu"),
        ("RasterEvaluationOptions.ClassNames", "--classes"),
        ("SceneListRequest.NamePattern", "--mask-name"),
        ("OnnxExportRequest.DynamicSize", "--dynamic-size"),
        ("PredictionRequest.InputPath", "--input"),
        ("PredictionRequest.StacSource", "--input"),
        ("PredictionRequest.ModelPath", "--checkpoint"),
        ("PredictionRequest.MaskPath", "--output"),
        ("PredictionRequest.ProbabilityPath", "--probabilities"),
        ("PredictionRequest.VectorPath", "--vectors"),
        ("PredictionRequest.Overwrite", "--overwrite"),
        ("StitchOptions.TileSize", "--tile-size"),
        ("StitchOptions.Overlap", "--overlap"),
        ("StitchOptions.BatchSize", "--batch-size"),
        ("SceneListRequest.Inputs", "--inputs"),
        ("SceneListRequest.SkipExisting", "--skip-existing"),
        ("SceneListRequest.Overwrite", "--overwrite"),
        ("MosaicRequest.OutputPath", "--output"),
        ("MosaicRequest.ProbabilityPath", "--probabilities"),
        ("MosaicRequest.VectorPath", "--vectors"),
        ("MosaicRequest.Overwrite", "--overwrite"),
        ("RasterEvaluationOptions.PredictionPath", "--prediction"),
        ("RasterEvaluationOptions.ReferencePath", "--reference"),
        ("RasterEvaluationOptions.ReportPath", "--json"),
        ("RasterEvaluationOptions.PlotPath", "--plot"),
        ("RasterEvaluationOptions.Overwrite", "--overwrite"),
        ("OnnxExportRequest.CheckpointPath", "--checkpoint"),
        ("OnnxExportRequest.OutputPath", "--output"),
        ("OnnxExportRequest.Overwrite", "--overwrite"),
        ("PseudoLabelOptions.Checkpoints", "--checkpoint"),
        ("PseudoLabelOptions.InputPath", "--input"),
        ("PseudoLabelOptions.OutputPath", "--output"),
        ("PseudoLabelOptions.Overwrite", "--overwrite"),
        ("PreparationOptions.ConfigPath", "--config"),
        ("PreparationOptions.OutputFolder", "--out"),
        ("PreparationOptions.Overwrite", "--overwrite"),
        ("TrainingRunRequest.ConfigPath", "--config"),
        ("TrainingRunRequest.Resume", "--resume"),
        ("TrainingRunRequest.Restart", "--restart"),
        ("CityscapesEvaluationOptions.OutputDirectory", "--out"),
        ("LoveDaEvaluationRequest.ModelPath", "--checkpoint"),
        ("LoveDaEvaluationRequest.OutputDirectory", "--out"),
        ("ForwardBenchmarkOptions.Size, Classes, Bands, Batch and Iterations", "--size, --classes, --bands, --batch and --iterations"),
        ("ForwardBenchmarkOptions.Depth", "--depth"),
        ("ForwardBenchmarkOptions.Warmup", "--warmup"),
        ("StacItemRaster.BuildVrt's assets", "--stac-assets"),
        ("PrepareConfig.AssumeCrs", "--assume-crs"),
        ("ConfigOverride", "--set"),
        ("CalibrationOptions.TileSize", "--calibration-tile-size"),
        ("OnnxExportRequest.CalibrationFolder", "--calibration"),
        ("OnnxQuantization.Int8", "--quantize int8"),
        ("run the prediction with PredictionRequest.Shard", "run predict --shard"),
        ("PredictionRequest.Shard", "predict --shard"),
        ("ShardAssignment.Parse", "--shard"),
        ("ShardAssignment.FromEnvironment needs", "--shard auto needs"),
        ("ShardAssignment.FromEnvironment count", "--shards"),
        ("InferenceEngine.TorchSharp", "--engine torchsharp"),
        ("PredictionBenchmarkOptions.Size and Bands must be positive and Classes", "--size and --bands must be positive and --classes"),
        ("PredictionBenchmarkOptions.Blocks must be four positive counts and Width", "--blocks must be four positive counts and --width"),
    ];

    /// <summary><paramref name="message"/> with every library option name replaced by its flag.</summary>
    public static string Apply(string message)
    {
        foreach (var (library, flag) in Names)
        {
            message = message.Replace(library, flag, StringComparison.Ordinal);
        }

        return message;
    }
}
