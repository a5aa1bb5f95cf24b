namespace AdaptSeg.Geo.Inference;

/// <summary>
/// The 1-D blending weights of a tile; a tile's 2-D weight is <c>w(x) * w(y)</c>. The stitcher
/// divides the weighted sum of probabilities by the sum of weights, so only ratios matter.
/// <list type="bullet">
/// <item>Hann: <c>w(i) = sin²(π (i + ½) / n)</c> for <c>i = 0..n-1</c>: half a sample off the
/// usual zeros, so no weight is ever 0 and every covered pixel has a positive weight sum.</item>
/// <item>Centre crop: 1 on <c>[floor(o/2), n - ceil(o/2))</c>, and <see cref="Floor"/> outside; with a
/// constant stride the centre parts of neighbouring tiles meet exactly.</item>
/// </list>
/// A side of the tile that lies on the raster border does not taper: from the border to the
/// tile's peak the weight is the peak value (1), so border pixels are not predicted from the
/// tile edge with a tiny weight that another tile would not balance.
/// </summary>
public static class BlendWindow
{
    /// <summary>The smallest weight used (outside the centre crop), so weights are never zero.</summary>
    public const float Floor = 1e-6f;

    /// <summary>The weights of a tile of length <paramref name="length"/> along one axis.</summary>
    /// <param name="mode">Window shape.</param>
    /// <param name="length">Tile length along the axis.</param>
    /// <param name="overlap">The grid overlap (used by centre crop).</param>
    /// <param name="atStart">The tile starts on the raster border.</param>
    /// <param name="atEnd">The tile ends on the raster border.</param>
    public static float[] Weights(BlendMode mode, int length, int overlap, bool atStart, bool atEnd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);
        var w = new float[length];
        int lowMargin = overlap / 2;
        int highMargin = overlap - lowMargin;
        for (int i = 0; i < length; i++)
        {
            w[i] = mode switch
            {
                BlendMode.Hann => Math.Max(Floor, (float)Math.Pow(Math.Sin(Math.PI * (i + 0.5) / length), 2)),
                BlendMode.CenterCrop => i >= lowMargin && i < length - highMargin ? 1f : Floor,
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown blend mode."),
            };
        }

        // No taper on a raster border: flatten the half of the window that faces it to the peak.
        int half = length / 2;
        if (atStart)
        {
            Array.Fill(w, 1f, 0, half);
        }

        if (atEnd)
        {
            Array.Fill(w, 1f, half, length - half);
        }

        if (mode == BlendMode.Hann && length % 2 == 1)
        {
            w[half] = 1f;
        }

        return w;
    }
}
