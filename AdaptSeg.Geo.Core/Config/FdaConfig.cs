namespace AdaptSeg.Geo.Config;

/// <summary>
/// Fourier domain adaptation (FDA, Yang and Soatto, CVPR 2020): each source tile takes the
/// low-frequency amplitude of a target tile, in the four <c>b x b</c> corner blocks of its
/// spectrum, <c>b = floor(tileSize·beta)</c>.
/// </summary>
public sealed record FdaConfig
{
    /// <summary>The paper's L: the share of the tile side swapped (0.01 for its 1024-px images).</summary>
    public required double Beta { get; init; }

    /// <summary><c>b = floor(min(h,w)·L)</c>: the side of each swapped corner block.</summary>
    public static int BlockSize(int height, int width, double beta) => (int)Math.Floor(Math.Min(height, width) * beta);

    /// <summary>The smallest L (rounded up to 0.001) for which <see cref="BlockSize"/> is at least 1.</summary>
    public static double SmallestBeta(int height, int width)
    {
        int side = Math.Min(height, width);
        double beta = Math.Ceiling(1000.0 / side) / 1000.0;
        while (BlockSize(height, width, beta) < 1)
        {
            beta = Math.Round(beta + 0.001, 3);
        }

        return beta;
    }
}
