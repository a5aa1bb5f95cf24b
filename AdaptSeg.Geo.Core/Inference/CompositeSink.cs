using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Inference;

/// <summary>Hands every row to several sinks in order (class mask, probabilities, ...).</summary>
public sealed class CompositeSink(IReadOnlyList<IPredictionSink> sinks) : IPredictionSink
{
    private readonly IPredictionSink[] sinks = [.. sinks ?? throw new ArgumentNullException(nameof(sinks))];

    /// <inheritdoc />
    public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> classes, ReadOnlySpan<float> probabilities)
    {
        foreach (IPredictionSink sink in sinks)
        {
            sink.WriteRows(firstRow, rowCount, classes, probabilities);
        }
    }
}
