using static TorchSharp.torch;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// One preprocessed training pair on the CPU: <see cref="Image"/> [3, H, W] float32 (BGR minus
/// the mean) and <see cref="Label"/> [H, W] int64 trainIds (255 = ignore). Owns both tensors.
/// </summary>
public sealed class SegmentationSample(string name, Tensor image, Tensor label) : IDisposable
{
    /// <summary>The name from the image list.</summary>
    public string Name { get; } = name;

    /// <summary>[3, H, W] float32, BGR minus the mean.</summary>
    public Tensor Image { get; } = image;

    /// <summary>[H, W] int64 trainIds, 255 ignored.</summary>
    public Tensor Label { get; } = label;

    /// <inheritdoc/>
    public void Dispose()
    {
        Image.Dispose();
        Label.Dispose();
    }
}
