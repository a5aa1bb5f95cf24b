using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// The deterministic weights, inputs and labels the reference fixtures were computed with
/// (Fixtures/README.md, "Deterministic formula weights"), computed in double precision.
/// </summary>
public static class FormulaWeights
{
    /// <summary>
    /// Overwrites every state-dict entry of <paramref name="module"/>, in state-dict order (entry
    /// j counts every entry, <c>num_batches_tracked</c> included), with the formula values.
    /// The module's state dict must list its entries in PyTorch's order.
    /// </summary>
    public static void Apply(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var noGrad = no_grad();
        int j = 0;
        foreach (var (name, entry) in module.state_dict())
        {
            using var scope = NewDisposeScope();
            entry.copy_(Values(name, entry.shape, j).reshape(entry.shape));
            j++;
        }
    }

    /// <summary>
    /// The formula values of state-dict entry <paramref name="j"/> named <paramref name="name"/>,
    /// flat row-major, float64: <c>s_i = sin(0.731 i + 0.37 j + 0.1)</c> mapped by the entry's rule.
    /// </summary>
    public static Tensor Values(string name, long[] shape, int j)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal))
        {
            return zeros(n, dtype: ScalarType.Float64);
        }

        // Same operation order as the reference: (0.731 * i + 0.37 * j) + 0.1, all in float64.
        using var scope = NewDisposeScope();
        Tensor s = arange(n, dtype: ScalarType.Float64).mul_(0.731).add_(0.37 * j).add_(0.1).sin_();
        Tensor values;
        if (name.EndsWith("running_mean", StringComparison.Ordinal))
        {
            values = s.mul_(0.05);
        }
        else if (name.EndsWith("running_var", StringComparison.Ordinal))
        {
            values = s.add_(1).mul_(0.25).add_(1);
        }
        else if (shape.Length == 4)
        {
            values = s.mul_(Math.Sqrt(2.0 / (shape[1] * shape[2] * shape[3])));
        }
        else if (name.EndsWith("bias", StringComparison.Ordinal))
        {
            values = s.mul_(0.05);
        }
        else if (name.EndsWith("weight", StringComparison.Ordinal))
        {
            values = s.mul_(0.1).add_(1);
        }
        else
        {
            throw new ArgumentException($"No formula for state-dict entry '{name}' of shape [{string.Join(", ", shape)}].", nameof(name));
        }

        return scope.MoveToOuter(values);
    }

    /// <summary><c>formula_input(shape, phase)[i] = 2 sin(0.05 i + phase)</c> over the flat index, float64.</summary>
    public static Tensor Input(long[] shape, double phase)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new double[n];
        for (long i = 0; i < n; i++)
        {
            values[i] = 2 * Math.Sin((0.05 * i) + phase);
        }

        return tensor(values, dtype: ScalarType.Float64).reshape(shape);
    }

    /// <summary>
    /// <c>formula_label(h, w, phase, nc)[i] = (7 i + phase) mod (nc + 4)</c>, values &gt;= nc set
    /// to 255 (ignored); int64, shape 1 x h x w.
    /// </summary>
    public static Tensor Labels(int h, int w, int phase, int nc)
    {
        var values = new long[(long)h * w];
        for (long i = 0; i < values.Length; i++)
        {
            long v = ((7 * i) + phase) % (nc + 4);
            values[i] = v >= nc ? 255 : v;
        }

        return tensor(values, dtype: ScalarType.Int64).reshape(1, h, w);
    }
}
