using System.Globalization;

namespace AdaptSeg.Geo.Evaluation;

/// <summary>
/// How the pixels of a mask, a set of labels or a set of predictions are shared among the classes:
/// each class's count over the total, and a one-line rendering ("water 16.0 %, vegetation 32.0 %").
/// Needs no reference labels, so it shows on an unlabelled target what a model does there.
/// </summary>
public static class ClassShares
{
    /// <summary>Each count over their sum (fractions that add up to 1); all 0 when there is no pixel.</summary>
    public static double[] Of(IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        long total = 0;
        foreach (long c in counts)
        {
            if (c < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(counts), c, "A pixel count cannot be negative.");
            }

            total += c;
        }

        return [.. counts.Select(c => total == 0 ? 0 : (double)c / total)];
    }

    /// <summary>"water 16.0 %, vegetation 32.0 %, other 52.0 %" for fractions in label order (invariant culture).</summary>
    public static string Format(IReadOnlyList<string> names, IReadOnlyList<double> shares)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(shares);
        if (names.Count != shares.Count)
        {
            throw new ArgumentException($"{names.Count} class names for {shares.Count} shares.", nameof(names));
        }

        return string.Join(", ", names.Select((n, c) => string.Create(CultureInfo.InvariantCulture, $"{n} {100 * shares[c]:0.0} %")));
    }
}
