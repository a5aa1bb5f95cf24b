using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// The factory <c>adaptseg predict</c> uses to turn <c>--checkpoint</c> into a predictor. Loading a
/// trained network for prediction is not wired in yet, so it refuses with a clear message (exit 2)
/// instead of predicting anything: there is no stand-in model in the CLI.
/// </summary>
internal sealed class CheckpointPredictorFactory : ITilePredictorFactory
{
    public ITilePredictor Create(string checkpointPath, string device)
    {
        if (!File.Exists(checkpointPath))
        {
            throw new FileNotFoundException($"The checkpoint '{checkpointPath}' does not exist; give the .pt file written by 'adaptseg train'.", checkpointPath);
        }

        throw new NotSupportedException(
            $"This build cannot load model checkpoints for prediction yet, so '{checkpointPath}' was not used and nothing was written. " +
            "'adaptseg predict' needs a trained AdaptSeg checkpoint and a build in which the network predictor is available.");
    }
}
