
namespace AdaptSeg.Geo.Benchmarks;

/// <summary>The Cityscapes colours of the 19 trainIds (as the reference <c>evaluate_cityscapes.py</c>); anything else is black.</summary>
public static class CityscapesPalette
{
    /// <summary>R, G, B of trainIds 0..18.</summary>
    public static IReadOnlyList<(byte R, byte G, byte B)> Colors { get; } =
    [
        (128, 64, 128), (244, 35, 232), (70, 70, 70), (102, 102, 156), (190, 153, 153), (153, 153, 153), (250, 170, 30),
        (220, 220, 0), (107, 142, 35), (152, 251, 152), (70, 130, 180), (220, 20, 60), (255, 0, 0), (0, 0, 142), (0, 0, 70),
        (0, 60, 100), (0, 80, 100), (0, 0, 230), (119, 11, 32),
    ];

    /// <summary>TrainIds to interleaved RGB; values outside 0..18 (255 = ignore) become black, as the reference's zero-padded palette.</summary>
    public static void Colourise(ReadOnlySpan<byte> trainIds, Span<byte> rgb)
    {
        if (rgb.Length != trainIds.Length * 3)
        {
            throw new ArgumentException($"Expected {trainIds.Length * 3} RGB bytes, got {rgb.Length}.", nameof(rgb));
        }

        for (int i = 0; i < trainIds.Length; i++)
        {
            (byte r, byte g, byte b) = trainIds[i] < CityscapesLabels.ClassCount ? Colors[trainIds[i]] : ((byte)0, (byte)0, (byte)0);
            rgb[3 * i] = r;
            rgb[3 * i + 1] = g;
            rgb[3 * i + 2] = b;
        }
    }
}
