namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>How <see cref="DeepLabOnnxExporter"/> writes the graph.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Lowest opset written: per-axis <c>Softmax</c> and <c>Resize</c> without <c>roi</c>/<c>scales</c> need 13.</summary>
    public const int MinimumOpset = 13;

    /// <summary>Highest opset written (and the default): what Debian 12's onnx 1.12 checker and ONNX Runtime 1.10+ read.</summary>
    public const int MaximumOpset = 17;

    /// <summary>Main head only (default) or both heads.</summary>
    public OnnxHeads Heads { get; init; } = OnnxHeads.Main;

    /// <summary>The <c>ai.onnx</c> opset version, <see cref="MinimumOpset"/> to <see cref="MaximumOpset"/>.</summary>
    public int Opset { get; init; } = MaximumOpset;

    /// <summary>
    /// Fixed height and width of the input (and outputs), e.g. the tile size: QGIS Deepness reads its
    /// tile size from the input shape and cannot load a model whose height and width are symbolic.
    /// Null: symbolic <c>height</c> and <c>width</c>, any tile size (what <c>predict</c> uses in memory).
    /// </summary>
    public int? InputSize { get; init; }

    /// <summary>Model metadata (<c>metadata_props</c>), in order; see <see cref="DeepnessMetadata"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    /// <summary>Throws with the fix when a value is out of range.</summary>
    public void Validate()
    {
        if (Opset is < MinimumOpset or > MaximumOpset)
        {
            throw new ArgumentOutOfRangeException(nameof(Opset), Opset,
                $"Opset {Opset} is not supported; use {MinimumOpset} to {MaximumOpset} (the default, {MaximumOpset}, is read by ONNX Runtime 1.12+ and onnx 1.12).");
        }

        if (InputSize is < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "The fixed input size must be at least 16 pixels (or null for any size).");
        }

        var duplicate = Metadata.GroupBy(kv => kv.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"The metadata key '{duplicate.Key}' appears more than once; give each key once.", nameof(Metadata));
        }
    }
}
