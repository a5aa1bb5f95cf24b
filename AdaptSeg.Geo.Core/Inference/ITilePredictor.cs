namespace AdaptSeg.Geo.Inference;

/// <summary>
/// What turns image tiles into class probabilities: the network in production, a model-free
/// stand-in in tests and benchmarks. Called from one thread at a time.
/// </summary>
public interface ITilePredictor
{
    /// <summary>Number of classes in the output (at most 255; 255 is nodata in the mask).</summary>
    int ClassCount { get; }

    /// <summary>Number of input bands it expects, in band-list order.</summary>
    int BandCount { get; }

    /// <summary>
    /// Predicts a batch. <paramref name="input"/> is <c>batch x bands x height x width</c> float32,
    /// raw pixel values as read (the predictor normalises; invalid pixels hold whatever the file
    /// holds and their results are discarded). <paramref name="probabilities"/> receives
    /// <c>batch x classes x height x width</c> class probabilities (softmax output, each pixel
    /// summing to 1).
    /// </summary>
    void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities);
}
