using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Onnx;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// <c>predict --engine onnxruntime</c>: a <c>.onnx</c> written by <c>adaptseg export onnx</c> runs
/// as it is (statistics and class names from its metadata); a model.pth is exported in memory
/// (main head, opset 17, never written to disk) and run by ONNX Runtime.
/// </summary>
public sealed class OnnxRuntimePredictorFactory : ITilePredictorFactory
{
    /// <summary>Normalise with the source statistics instead of the target's (a model.pth only).</summary>
    public bool UseSourceStatistics { get; init; }

    public ITilePredictor Create(string checkpointPath, string device)
    {
        if (!File.Exists(checkpointPath))
        {
            throw new FileNotFoundException($"The model '{checkpointPath}' does not exist; give the model.pth written by 'adaptseg train' or a .onnx from 'adaptseg export onnx'.", checkpointPath);
        }

        if (checkpointPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            return OnnxTilePredictor.FromFile(checkpointPath, device);
        }

        var (network, description) = ModelPackage.Load(checkpointPath, TorchSharp.torch.CPU);
        using (network)
        {
            var (statistics, _) = OnnxModelExport.ChooseStatistics(description, UseSourceStatistics, checkpointPath);
            return OnnxTilePredictor.FromNetwork(network, statistics, description.Classes, device, trainingGrid: description.TrainingGrid);
        }
    }
}
