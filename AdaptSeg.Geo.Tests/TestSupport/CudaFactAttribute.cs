using AdaptSeg.Geo.Runtime;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>A fact that runs only where CUDA is usable, and is reported as skipped elsewhere.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!CudaProbe.Available)
        {
            Skip = "No CUDA device here.";
        }
    }
}

/// <summary>A fact about behaviour on machines without CUDA; skipped where a GPU is present.</summary>
public sealed class NoCudaFactAttribute : FactAttribute
{
    public NoCudaFactAttribute()
    {
        if (CudaProbe.Available)
        {
            Skip = "A CUDA device is present; this checks the CPU-only fallback.";
        }
    }
}

internal static class CudaProbe
{
    private static readonly Lazy<bool> Probe = new(() => TorchRuntime.TryEnableCuda(out _));

    public static bool Available => Probe.Value;
}
