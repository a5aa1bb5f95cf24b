namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// Student's t distribution with any positive degrees of freedom: the distribution function through
/// the regularised incomplete beta function (a continued fraction), and its inverse by bisection on
/// it. Accurate to about 1e-13 relative, which the confidence intervals of a comparison over seeds
/// need many times over; no table, so any number of seeds works.
/// </summary>
public static class StudentT
{
    /// <summary>P(T ≤ <paramref name="t"/>) for <paramref name="degreesOfFreedom"/> &gt; 0.</summary>
    public static double Cdf(double t, double degreesOfFreedom)
    {
        CheckDegrees(degreesOfFreedom);
        if (double.IsNaN(t))
        {
            return double.NaN;
        }

        double tail = UpperTail(Math.Abs(t), degreesOfFreedom);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>
    /// The t with P(T ≤ t) = <paramref name="p"/> (0 &lt; p &lt; 1): for a two-sided 95 % interval,
    /// <c>Quantile(0.975, n - 1)</c>, 2.776445 for five seeds.
    /// </summary>
    public static double Quantile(double p, double degreesOfFreedom)
    {
        CheckDegrees(degreesOfFreedom);
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The probability must lie strictly between 0 and 1.");
        }

        if (p < 0.5)
        {
            return -Quantile(1 - p, degreesOfFreedom);
        }

        double q = 1 - p;
        if (q == 0.5)
        {
            return 0;
        }

        // The upper tail falls as t grows: bracket the root by doubling, then halve the bracket to
        // the last bit (bisection cannot fail to converge; each step costs one incomplete beta).
        double low = 0, high = 1;
        while (UpperTail(high, degreesOfFreedom) > q)
        {
            low = high;
            high *= 2;
            if (double.IsInfinity(high))
            {
                return double.PositiveInfinity;
            }
        }

        for (int i = 0; i < 2100; i++)
        {
            double middle = low + ((high - low) / 2);
            if (middle <= low || middle >= high)
            {
                break; // adjacent numbers: as close as a double gets
            }

            if (UpperTail(middle, degreesOfFreedom) > q)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return low + ((high - low) / 2);
    }

    /// <summary>
    /// The regularised incomplete beta function I_x(a, b) for a, b &gt; 0 and 0 ≤ x ≤ 1, by the
    /// continued fraction of Abramowitz and Stegun 26.5.8 (evaluated with the modified Lentz
    /// method) on whichever side of the mean it converges fast.
    /// </summary>
    public static double RegularizedIncompleteBeta(double x, double a, double b)
    {
        if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"I_x(a, b) needs a, b > 0 and 0 <= x <= 1; got x={x}, a={a}, b={b}.");
        }

        if (x == 0 || x == 1)
        {
            return x;
        }

        // x^a (1-x)^b / B(a, b), in logarithms so that large a or b do not overflow.
        double front = Math.Exp((a * Math.Log(x)) + (b * Math.Log(1 - x)) - LogBeta(a, b));
        return x < (a + 1) / (a + b + 2)
            ? front * ContinuedFraction(x, a, b) / a
            : 1 - (front * ContinuedFraction(1 - x, b, a) / b);
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, nine terms: about 15 significant digits).</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "ln Γ is computed here for positive numbers only.");
        }

        if (x < 0.5)
        {
            // Reflection: Γ(x) Γ(1-x) = π / sin(πx).
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }

        x -= 1;
        double sum = Lanczos[0];
        for (int i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }

        double t = x + LanczosG + 0.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    private const double LanczosG = 7;

    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>P(T &gt; t) for t ≥ 0: half of I_{ν/(ν+t²)}(ν/2, 1/2), with no subtraction that would cancel far in the tail.</summary>
    private static double UpperTail(double t, double degreesOfFreedom)
    {
        if (double.IsPositiveInfinity(t))
        {
            return 0;
        }

        // ν/(ν+t²) written so that a huge t gives a tiny x instead of 0 for as long as it can.
        double x = degreesOfFreedom / (degreesOfFreedom + (t * t));
        return 0.5 * RegularizedIncompleteBeta(x, degreesOfFreedom / 2, 0.5);
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>The continued fraction of I_x(a, b), modified Lentz; converges fast for x &lt; (a+1)/(a+b+2).</summary>
    private static double ContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        const double epsilon = 1e-15;
        double c = 1;
        double d = 1 - ((a + b) * x / (a + 1));
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        double result = d;
        for (int m = 1; m <= 10_000; m++)
        {
            // Even step: d_2m = m (b - m) x / ((a + 2m - 1)(a + 2m)).
            double even = m * (b - m) * x / ((a + (2 * m) - 1) * (a + (2 * m)));
            d = 1 + (even * d);
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + (even / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            result *= d * c;

            // Odd step: d_2m+1 = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
            double odd = -(a + m) * (a + b + m) * x / ((a + (2 * m)) * (a + (2 * m) + 1));
            d = 1 + (odd * d);
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + (odd / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            double step = d * c;
            result *= step;
            if (Math.Abs(step - 1) < epsilon)
            {
                return result;
            }
        }

        throw new ArithmeticException($"The incomplete beta continued fraction did not converge for x={x}, a={a}, b={b}.");
    }

    private static void CheckDegrees(double degreesOfFreedom)
    {
        if (!(degreesOfFreedom > 0) || double.IsInfinity(degreesOfFreedom))
        {
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "Student's t needs a finite, positive number of degrees of freedom (seeds minus one).");
        }
    }
}
