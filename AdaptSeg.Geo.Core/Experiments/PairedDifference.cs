using System.Globalization;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// A row's mIoU minus a reference row's, seed by seed (the two share the seed's initialisation and
/// tiles), over the <see cref="Seeds"/> both have: the mean, the sample standard deviation and the
/// two-sided confidence interval of the mean from Student's t with seeds - 1 degrees of freedom
/// (mean ± t · std / √seeds). With one seed there is no interval (<see cref="Low"/> and
/// <see cref="High"/> are NaN). Each interval stands alone: nothing corrects for the number of rows
/// compared, so among many rows one may exclude 0 by chance.
/// </summary>
public sealed record PairedDifference(string Reference, int Seeds, double Mean, double Std, double Confidence, double Low, double High)
{
    /// <summary>The confidence of the intervals a comparison reports.</summary>
    public const double DefaultConfidence = 0.95;

    /// <summary>What the table and the summary say where the interval contains 0.</summary>
    public const string NoSignificantDifference = "no significant difference";

    /// <summary>Whether there is an interval (two seeds or more) and it excludes 0.</summary>
    public bool Significant => Seeds >= 2 && (Low > 0 || High < 0);

    /// <summary>The paired differences' mean, std and interval; NaN values (a run with no score) are left out.</summary>
    /// <exception cref="ArgumentException">No difference that is a number.</exception>
    public static PairedDifference Of(string reference, IReadOnlyList<double> differences, double confidence = DefaultConfidence)
    {
        ArgumentNullException.ThrowIfNull(differences);
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence must lie strictly between 0 and 1 (0.95 for 95 %).");
        }

        var (mean, std) = ComparisonSummary.MeanStd(differences);
        int n = differences.Count(d => !double.IsNaN(d));
        if (n == 0)
        {
            throw new ArgumentException("A paired difference needs at least one seed with a score.", nameof(differences));
        }

        if (n < 2)
        {
            return new PairedDifference(reference, n, mean, std, confidence, double.NaN, double.NaN);
        }

        double half = StudentT.Quantile(1 - ((1 - confidence) / 2), n - 1) * std / Math.Sqrt(n);
        return new PairedDifference(reference, n, mean, std, confidence, mean - half, mean + half);
    }

    /// <summary>"+1.2 [-0.8, +3.2]", one decimal, with "no significant difference" where the interval contains 0 ("+1.2, one seed: no interval" for one seed).</summary>
    public string Describe()
    {
        string mean = Signed(Mean);
        if (Seeds < 2)
        {
            return $"{mean} (one seed: no interval)";
        }

        string interval = $"{mean} [{Signed(Low)}, {Signed(High)}]";
        return Significant ? interval : $"{interval} {NoSignificantDifference}";
    }

    /// <summary>"+1.2", "-0.8", "0.0" (invariant culture, one decimal).</summary>
    public static string Signed(double value) => value.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
}
