namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Makes the predictor for <c>adaptseg predict</c> from a model checkpoint. The returned predictor
/// is disposed by the caller when it implements <see cref="IDisposable"/>.
/// </summary>
public interface ITilePredictorFactory
{
    /// <summary>Loads <paramref name="checkpointPath"/> onto <paramref name="device"/> (cpu, cuda, cuda:N, auto).</summary>
    ITilePredictor Create(string checkpointPath, string device);
}
