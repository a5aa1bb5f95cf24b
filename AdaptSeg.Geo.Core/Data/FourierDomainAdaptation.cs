using System.Numerics;
using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Data;

/// <summary>
/// FDA's <c>FDA_source_to_target</c> (Yang and Soatto, CVPR 2020) on plain arrays, so loader threads
/// never touch torch: per channel, the source's full complex 2-D spectrum (not a real FFT: the corner
/// swap is not Hermitian-symmetric) takes the target's amplitude in the four <c>b x b</c> corner blocks
/// of the unshifted spectrum, <c>b = floor(min(h,w)·L)</c>, keeping the source phase; the result is the
/// real part of the inverse transform.
/// </summary>
/// <remarks>
/// Only the corner frequencies change, so the result is computed as <c>source + Re(IDFT(Δ))</c>, where
/// Δ is the change of the spectrum at the <c>2b x 2b</c> corner frequencies, with separable DFTs over just
/// those rows and columns: O(h·w·b) per channel instead of a full FFT, and exactly the same sum.
/// </remarks>
public static class FourierDomainAdaptation
{
    /// <summary><c>b = floor(min(h,w)·L)</c>: the side of each swapped corner block.</summary>
    public static int BlockSize(int height, int width, double beta) => FdaConfig.BlockSize(height, width, beta);

    /// <summary>The smallest L (rounded up to 0.001) for which <see cref="BlockSize"/> is at least 1.</summary>
    public static double SmallestBeta(int height, int width) => FdaConfig.SmallestBeta(height, width);

    /// <summary>
    /// Restyles <paramref name="source"/> [channels, height, width] (row-major, in place) with the
    /// low-frequency amplitude of <paramref name="target"/> (same shape).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that do not match, or an L whose block size is 0 (the message gives the smallest L that works).</exception>
    public static void Restyle(Span<float> source, ReadOnlySpan<float> target, int channels, int height, int width, double beta)
    {
        double[] s = new double[source.Length], t = new double[target.Length];
        for (int i = 0; i < s.Length; i++) s[i] = source[i];
        for (int i = 0; i < t.Length; i++) t[i] = target[i];
        Restyle(s, t, channels, height, width, beta);
        for (int i = 0; i < s.Length; i++) source[i] = (float)s[i];
    }

    /// <inheritdoc cref="Restyle(Span{float}, ReadOnlySpan{float}, int, int, int, double)"/>
    public static void Restyle(Span<double> source, ReadOnlySpan<double> target, int channels, int height, int width, double beta)
    {
        long plane = (long)height * width;
        if (channels < 1 || height < 1 || width < 1 || source.Length != channels * plane || target.Length != channels * plane)
        {
            throw new ArgumentException($"FDA needs source and target of {channels}x{height}x{width} values; got {source.Length} and {target.Length}.");
        }

        int b = BlockSize(height, width, beta);
        if (b < 1)
        {
            throw new ArgumentException(
                $"FDA beta {beta} swaps no frequency on {height}x{width} tiles (b = floor({Math.Min(height, width)}·{beta}) = 0); use beta >= {SmallestBeta(height, width)}.");
        }

        int[] rows = Corners(height, b), cols = Corners(width, b);
        Complex[] rowTwiddle = Twiddles(height), colTwiddle = Twiddles(width);
        for (int c = 0; c < channels; c++)
        {
            Span<double> src = source.Slice((int)(c * plane), (int)plane);
            ReadOnlySpan<double> trg = target.Slice((int)(c * plane), (int)plane);
            Complex[,] fs = Spectrum(src, height, width, rows, cols, rowTwiddle, colTwiddle);
            Complex[,] ft = Spectrum(trg, height, width, rows, cols, rowTwiddle, colTwiddle);

            // Δ = (|T| - |S|)·e^{i·arg S} at each corner frequency (arg 0 = 0, as atan2(0, 0)).
            var delta = new Complex[rows.Length, cols.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                for (int j = 0; j < cols.Length; j++)
                {
                    Complex value = fs[i, j];
                    double phase = Math.Atan2(value.Imaginary, value.Real);
                    delta[i, j] = Complex.FromPolarCoordinates(ft[i, j].Magnitude - value.Magnitude, phase);
                }
            }

            // Inverse over the corner rows: g[y, j] = Σ_i Δ[i, j]·e^{+2πi·ky·y/h}; then columns, real part only.
            var g = new Complex[height, cols.Length];
            for (int y = 0; y < height; y++)
            {
                for (int j = 0; j < cols.Length; j++)
                {
                    Complex sum = Complex.Zero;
                    for (int i = 0; i < rows.Length; i++)
                    {
                        sum += delta[i, j] * Complex.Conjugate(rowTwiddle[(int)((long)rows[i] * y % height)]);
                    }

                    g[y, j] = sum;
                }
            }

            double scale = 1.0 / plane;
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    double sum = 0;
                    for (int j = 0; j < cols.Length; j++)
                    {
                        Complex w = Complex.Conjugate(colTwiddle[(int)((long)cols[j] * x % width)]);
                        sum += g[y, j].Real * w.Real - g[y, j].Imaginary * w.Imaginary;
                    }

                    src[y * width + x] += sum * scale;
                }
            }
        }
    }

    /// <summary>The DFT of one channel at the frequencies rows x cols (unshifted indices).</summary>
    private static Complex[,] Spectrum(ReadOnlySpan<double> image, int height, int width, int[] rows, int[] cols, Complex[] rowTwiddle, Complex[] colTwiddle)
    {
        var r = new Complex[height, cols.Length];
        for (int y = 0; y < height; y++)
        {
            for (int j = 0; j < cols.Length; j++)
            {
                double re = 0, im = 0;
                for (int x = 0; x < width; x++)
                {
                    Complex w = colTwiddle[(int)((long)cols[j] * x % width)];
                    double v = image[y * width + x];
                    re += v * w.Real;
                    im += v * w.Imaginary;
                }

                r[y, j] = new Complex(re, im);
            }
        }

        var f = new Complex[rows.Length, cols.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < cols.Length; j++)
            {
                Complex sum = Complex.Zero;
                for (int y = 0; y < height; y++)
                {
                    sum += r[y, j] * rowTwiddle[(int)((long)rows[i] * y % height)];
                }

                f[i, j] = sum;
            }
        }

        return f;
    }

    /// <summary>e^{-2πi·k/n} for k = 0..n-1 (indexed by k·x mod n, so the angles stay exact).</summary>
    private static Complex[] Twiddles(int n)
    {
        var w = new Complex[n];
        for (int k = 0; k < n; k++)
        {
            double angle = -2 * Math.PI * k / n;
            w[k] = new Complex(Math.Cos(angle), Math.Sin(angle));
        }

        return w;
    }

    /// <summary>The distinct indices 0..b-1 and n-b..n-1 (they overlap when 2b > n).</summary>
    private static int[] Corners(int n, int b) =>
        Enumerable.Range(0, Math.Min(b, n)).Concat(Enumerable.Range(Math.Max(n - b, 0), Math.Min(b, n))).Distinct().Order().ToArray();
}
