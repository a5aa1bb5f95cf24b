namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// Settings of a GTA5→Cityscapes evaluation. The defaults are the reference's: the network sees
/// 1024×512 images and its main-head output is upsampled to 2048×1024, the size of the gtFine labels.
/// </summary>
public sealed record CityscapesEvaluationOptions
{
    /// <summary>Network input width (reference 1024).</summary>
    public int InputWidth { get; init; } = 1024;

    /// <summary>Network input height (reference 512).</summary>
    public int InputHeight { get; init; } = 512;

    /// <summary>Width the logits are upsampled to; labels must have it (reference 2048).</summary>
    public int OutputWidth { get; init; } = 2048;

    /// <summary>Height the logits are upsampled to; labels must have it (reference 1024).</summary>
    public int OutputHeight { get; init; } = 1024;

    /// <summary>Images a forward pass (the reference uses 1; the result does not depend on it in eval mode).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Images decoded and resized at once on the CPU.</summary>
    public int LoaderThreads { get; init; } = Math.Clamp(Environment.ProcessorCount - 1, 1, 8);

    /// <summary>Where to write the per-image PNGs and the IoU table; null writes nothing.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        Check(InputWidth, nameof(InputWidth));
        Check(InputHeight, nameof(InputHeight));
        Check(OutputWidth, nameof(OutputWidth));
        Check(OutputHeight, nameof(OutputHeight));
        Check(BatchSize, nameof(BatchSize));
        Check(LoaderThreads, nameof(LoaderThreads));
    }

    private static void Check(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentException($"{name} must be at least 1, got {value}.", name);
        }
    }
}
