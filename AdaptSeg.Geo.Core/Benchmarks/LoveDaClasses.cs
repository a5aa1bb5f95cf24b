namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// LoveDA's classes, mask encoding and the normalisation of its official UDA code.
/// Masks store 0 for no-data and 1..7 for the classes; training and scoring use 0..6 with no-data ignored.
/// </summary>
public static class LoveDaClasses
{
    /// <summary>Classes in label order (mask value - 1): LoveDA's <c>LABEL_MAP</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["background", "building", "road", "water", "barren", "forest", "agriculture"];

    /// <summary>Number of classes (7).</summary>
    public const int Count = 7;

    /// <summary>The label value no-data becomes (ignored by the loss and the confusion matrix).</summary>
    public const byte Ignore = 255;

    /// <summary>Per-channel mean of the R, G, B values 0..255 (ImageNet's, as the LoveDA code normalises).</summary>
    public static IReadOnlyList<double> Mean { get; } = [123.675, 116.28, 103.53];

    /// <summary>Per-channel standard deviation of the R, G, B values 0..255 (ImageNet's).</summary>
    public static IReadOnlyList<double> Std { get; } = [58.395, 57.12, 57.375];

    /// <summary>
    /// Maps stored mask values to training labels in place: 0 (no-data) to <see cref="Ignore"/>, 1..7 to 0..6.
    /// </summary>
    /// <exception cref="LoveDaDataException">A value above 7 (the file is not a LoveDA mask).</exception>
    public static void MapMask(Span<byte> values, string path)
    {
        for (int i = 0; i < values.Length; i++)
        {
            byte v = values[i];
            if (v > Count)
            {
                throw new LoveDaDataException(
                    $"Mask '{path}' holds the value {v} at pixel {i}; LoveDA masks hold 0 (no-data) and 1..7 ({string.Join(", ", Names)}). " +
                    "Point the dataset at the masks_png folders of the original LoveDA download.",
                    path);
            }

            values[i] = v == 0 ? Ignore : (byte)(v - 1);
        }
    }
}
