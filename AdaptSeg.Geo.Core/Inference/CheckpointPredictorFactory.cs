using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Runtime;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Turns <c>--checkpoint</c> (a model.pth written by <c>adaptseg train</c>) into the network
/// predictor, normalising input bands with the statistics the model was adapted with (the
/// target domain's), or the source's with <see cref="UseSourceStatistics"/>.
/// </summary>
public sealed class CheckpointPredictorFactory : ITilePredictorFactory
{
    /// <summary>Normalise with the source statistics instead of the target's.</summary>
    public bool UseSourceStatistics { get; init; }

    /// <summary>Loads <paramref name="checkpointPath"/> onto <paramref name="device"/> (cpu, cuda, cuda:N, auto) as a <see cref="NetworkTilePredictor"/>.</summary>
    public ITilePredictor Create(string checkpointPath, string device)
    {
        if (!File.Exists(checkpointPath))
        {
            throw new FileNotFoundException($"The model '{checkpointPath}' does not exist; give the model.pth written by 'adaptseg train'.", checkpointPath);
        }

        var resolved = TorchRuntime.ResolveDevice(device);
        var (network, description) = ModelPackage.Load(checkpointPath, resolved);
        BandStatistics statistics = (UseSourceStatistics ? description.SourceStatistics : description.TargetStatistics)
            ?? description.SourceStatistics
            ?? throw new InvalidDataException($"'{checkpointPath}' holds no band statistics to normalise the input with.");
        return new NetworkTilePredictor(network, statistics, resolved, description.Classes, ownsNetwork: true) { TrainingGrid = description.TrainingGrid };
    }
}
