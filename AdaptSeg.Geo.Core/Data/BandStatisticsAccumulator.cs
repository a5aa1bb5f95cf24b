namespace AdaptSeg.Geo.Data;

/// <summary>
/// Running per-channel mean and variance over valid pixels, merged window by window with Chan et
/// al.'s pairwise update (stable where sum-of-squares loses precision).
/// </summary>
public sealed class BandStatisticsAccumulator
{
    private readonly long[] counts;
    private readonly double[] means;
    private readonly double[] m2;

    public BandStatisticsAccumulator(int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        counts = new long[channels];
        means = new double[channels];
        m2 = new double[channels];
    }

    /// <summary>Number of channels.</summary>
    public int Channels => counts.Length;

    /// <summary>
    /// Adds the valid pixels of a channels-first window (<c>[channels, area]</c>). Only pixels
    /// whose index <c>i</c> satisfies <paramref name="include"/>(i) are counted when given.
    /// </summary>
    public void Add(ReadOnlySpan<float> channelsFirst, ReadOnlySpan<bool> valid, Func<int, bool>? include = null)
    {
        int area = valid.Length;
        if (channelsFirst.Length < area * Channels)
        {
            throw new ArgumentException($"Expected {area * Channels} values for {Channels} channels of {area} pixels, got {channelsFirst.Length}.", nameof(channelsFirst));
        }

        for (int c = 0; c < Channels; c++)
        {
            ReadOnlySpan<float> plane = channelsFirst.Slice(c * area, area);
            long n = 0;
            double sum = 0;
            for (int i = 0; i < area; i++)
            {
                if (valid[i] && (include is null || include(i)))
                {
                    sum += plane[i];
                    n++;
                }
            }

            if (n == 0)
            {
                continue;
            }

            double mean = sum / n;
            double sq = 0;
            for (int i = 0; i < area; i++)
            {
                if (valid[i] && (include is null || include(i)))
                {
                    double d = plane[i] - mean;
                    sq += d * d;
                }
            }

            Merge(c, n, mean, sq);
        }
    }

    /// <summary>Adds another accumulator's pixels (for example another scene of the domain).</summary>
    public void Add(BandStatisticsAccumulator other)
    {
        if (other.Channels != Channels)
        {
            throw new ArgumentException($"Cannot merge statistics of {other.Channels} channels into {Channels}.", nameof(other));
        }

        for (int c = 0; c < Channels; c++)
        {
            if (other.counts[c] > 0)
            {
                Merge(c, other.counts[c], other.means[c], other.m2[c]);
            }
        }
    }

    /// <summary>Number of valid pixels seen (channel 0).</summary>
    public long Count => counts[0];

    /// <summary>The statistics so far; throws when no valid pixel was seen.</summary>
    public BandStatistics ToStatistics(string what)
    {
        if (counts.Any(n => n == 0))
        {
            throw new InvalidOperationException($"{what} has no valid pixel: every pixel is nodata or masked. Check the nodata value and the band map.");
        }

        return new BandStatistics(means.ToArray(), m2.Select((v, c) => Math.Sqrt(v / counts[c])).ToArray()) { ValidPixels = counts[0] };
    }

    private void Merge(int c, long nB, double meanB, double m2B)
    {
        long nA = counts[c];
        long n = nA + nB;
        double delta = meanB - means[c];
        means[c] += delta * nB / n;
        m2[c] += m2B + delta * delta * ((double)nA * nB / n);
        counts[c] = n;
    }
}
