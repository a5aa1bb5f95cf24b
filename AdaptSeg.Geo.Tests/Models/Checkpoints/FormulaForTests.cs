using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

/// <summary>
/// The deterministic "formula" weights and inputs of Fixtures/README.md, for the checkpoint and
/// discriminator tests (kept local to these tests).
/// </summary>
internal static class FormulaForTests
{
    /// <summary>The value of element <paramref name="i"/> of state-dict entry <paramref name="j"/>.</summary>
    public static double Value(string name, long[] shape, long j, long i)
    {
        double s = Math.Sin(0.731 * i + 0.37 * j + 0.1);
        if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal))
        {
            return 0;
        }

        if (name.EndsWith("running_mean", StringComparison.Ordinal))
        {
            return 0.05 * s;
        }

        if (name.EndsWith("running_var", StringComparison.Ordinal))
        {
            return 1 + 0.25 * (1 + s);
        }

        if (shape.Length == 4)
        {
            return Math.Sqrt(2.0 / (shape[1] * shape[2] * shape[3])) * s;
        }

        if (name.EndsWith("bias", StringComparison.Ordinal))
        {
            return 0.05 * s;
        }

        return 1 + 0.1 * s;
    }

    /// <summary>All values of entry <paramref name="j"/>, flat row-major.</summary>
    public static double[] Values(string name, long[] shape, long j)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new double[n];
        for (long i = 0; i < n; i++)
        {
            values[i] = Value(name, shape, j, i);
        }

        return values;
    }

    /// <summary>Overwrites every state-dict entry of <paramref name="module"/> with the formula, in state-dict order.</summary>
    public static void Apply(nn.Module module)
    {
        using var noGrad = torch.no_grad();
        long j = 0;
        foreach (var (name, tensor) in module.state_dict())
        {
            using Tensor values = torch.tensor(Values(name, tensor.shape, j), dtype: ScalarType.Float64).reshape(tensor.shape);
            tensor.copy_(values);
            j++;
        }
    }

    /// <summary><c>formula_input(shape, phase)[i] = 2 sin(0.05 i + phase)</c>, float64.</summary>
    public static Tensor Input(long[] shape, double phase)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new double[n];
        for (long i = 0; i < n; i++)
        {
            values[i] = 2 * Math.Sin(0.05 * i + phase);
        }

        return torch.tensor(values, dtype: ScalarType.Float64).reshape(shape);
    }
}
