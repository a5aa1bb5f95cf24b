using System.Text.Json;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Inference;

public sealed class ClassBalancedThresholdsTests
{
    [Fact]
    public void Compute_FixtureTwoModelAverage_ThresholdsLabelsAndIgnoredCountMatchReference()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("adaptation_addons.json")));
        JsonElement fixture = document.RootElement.GetProperty("pseudo_labels");
        const int classes = 5, height = 31, width = 37, plane = height * width;

        // softmax(formula_input((1,5,31,37), phase) * 1.5) of two "models", averaged 0.5 / 0.5, in float64.
        double[] a = Softmax(Formula(classes * plane, 0.0), classes, plane);
        double[] b = Softmax(Formula(classes * plane, 0.9), classes, plane);
        var labels = new byte[plane];
        var maxima = new double[plane];
        for (int i = 0; i < plane; i++)
        {
            double best = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                double p = 0.5 * a[c * plane + i] + 0.5 * b[c * plane + i];
                if (p > best)
                {
                    (best, labels[i]) = (p, (byte)c);
                }
            }

            maxima[i] = best;
        }

        double[] thresholds = ClassBalancedThresholds.Compute(labels, maxima, classes,
            fixture.GetProperty("portion").GetDouble(), fixture.GetProperty("cap").GetDouble());
        int ignored = ClassBalancedThresholds.Apply(labels, maxima, thresholds);

        double[] expected = [.. fixture.GetProperty("thresholds").EnumerateArray().Select(e => e.GetDouble())];
        Assert.Equal(expected.Length, thresholds.Length);
        for (int c = 0; c < classes; c++)
        {
            Assert.True(Math.Abs(expected[c] - thresholds[c]) <= 1e-12 * expected[c], $"class {c}: {thresholds[c]:R} vs {expected[c]:R}");
        }

        Assert.Equal(fixture.GetProperty("labels").EnumerateArray().Select(e => (byte)e.GetInt32()), labels);
        Assert.Equal(fixture.GetProperty("ignored").GetInt32(), ignored);
    }

    [Theory]
    [InlineData(1, 0)] // round(0.66) = 1 is past the end: clamped to n - 1
    [InlineData(2, 1)]
    [InlineData(25, 16)] // 16.5 rounds half to even: 16
    [InlineData(75, 50)] // 49.5 -> 50
    [InlineData(100, 66)]
    public void QuantileIndex_Portion066_RoundsHalfToEvenAndClamps(long count, long expected) =>
        Assert.Equal(expected, ClassBalancedThresholds.QuantileIndex(count, 0.66));

    [Fact]
    public void Thresholds_AbsentClassAndConfidentClass_ZeroAndCap()
    {
        var accumulator = new ClassThresholdAccumulator(3, ThresholdMethod.Exact);
        foreach (double p in new[] { 0.95, 0.97, 0.99 })
        {
            accumulator.Add(0, p);
        }

        accumulator.Add(2, 0.5);
        accumulator.Add(255, 0.1); // no prediction: skipped

        Assert.Equal(new[] { 0.9, 0.0, 0.5 }, accumulator.Thresholds());
        Assert.Equal(new long[] { 3, 0, 1 }, accumulator.Counts);
    }

    [Fact]
    public void Thresholds_HistogramOnRandomScene_WithinOneTenThousandthOfExact()
    {
        var random = new Random(7);
        const int classes = 6;
        var exact = new ClassThresholdAccumulator(classes, ThresholdMethod.Exact);
        var histogram = new ClassThresholdAccumulator(classes, ThresholdMethod.Histogram);
        for (int i = 0; i < 200_000; i++)
        {
            byte c = (byte)random.Next(classes - 1); // the last class stays absent
            // Max-probabilities lie in [1/C, 1]; skew them towards 1 like a trained model's.
            double p = 1.0 / classes + (1 - 1.0 / classes) * Math.Sqrt(random.NextDouble());
            float stored = (float)p; // what the pipeline keeps
            exact.Add(c, stored);
            histogram.Add(c, stored);
        }

        double[] e = exact.Thresholds(0.66, 1.0);
        double[] h = histogram.Thresholds(0.66, 1.0);
        Assert.Equal(0.0, e[classes - 1]);
        Assert.Equal(0.0, h[classes - 1]);
        for (int c = 0; c < classes; c++)
        {
            Assert.True(Math.Abs(e[c] - h[c]) <= 1e-4, $"class {c}: exact {e[c]:R}, histogram {h[c]:R}");
        }

        Assert.True(e.Take(classes - 1).All(t => t > 0.7), "the thresholds come from the data, not a constant");
    }

    [Fact]
    public void Add_ExactBeyondCapacity_ThrowsNamingHistogram()
    {
        var accumulator = new ClassThresholdAccumulator(2, ThresholdMethod.Exact, capacity: 2);
        accumulator.Add(0, 0.6);
        accumulator.Add(1, 0.7);
        var error = Assert.Throws<InvalidOperationException>(() => accumulator.Add(0, 0.8));
        Assert.Contains("Histogram", error.Message);
    }

    private static double[] Formula(int length, double phase) =>
        [.. Enumerable.Range(0, length).Select(i => 2 * Math.Sin(0.05 * i + phase) * 1.5)];

    private static double[] Softmax(double[] logits, int classes, int plane)
    {
        var result = new double[logits.Length];
        for (int i = 0; i < plane; i++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                max = Math.Max(max, logits[c * plane + i]);
            }

            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += result[c * plane + i] = Math.Exp(logits[c * plane + i] - max);
            }

            for (int c = 0; c < classes; c++)
            {
                result[c * plane + i] /= sum;
            }
        }

        return result;
    }
}
