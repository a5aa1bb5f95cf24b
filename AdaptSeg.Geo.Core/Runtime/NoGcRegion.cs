using System.Runtime;

namespace AdaptSeg.Geo.Runtime;

/// <summary>
/// Keeps the garbage collector out of a stretch of TorchSharp calls.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns .NET numbers into native <c>Scalar</c> objects on the fly (for example
/// inside <c>BatchNorm</c>'s <c>num_batches_tracked.add_(1)</c>, the optimisers' <c>add_(grad, alpha)</c>
/// and every <c>tensor * 0.5</c>) and passes only their native handle to libtorch, without keeping
/// the managed object alive. If a garbage collection runs during that native call, the finalizer
/// frees the native scalar while libtorch is still reading it. We saw this in training runs as
/// "Unknown scalar type" and "For integral input tensors, argument alpha must not be a floating
/// point number" from <c>BatchNorm.forward</c>, after a few dozen iterations, when loader threads
/// were allocating. A no-GC region around each training step keeps collections (and so those
/// finalizers) out of the step; the garbage of a step is collected at the start of the next one,
/// when none of its native calls is running any more. If the step allocates more than the
/// budget the region ends early and a collection may run, so the budget is generous.
/// </remarks>
public sealed class NoGcRegion : IDisposable
{
    private readonly bool started;

    /// <summary>Starts a region with room for <paramref name="budgetBytes"/> of allocations (all threads).</summary>
    public NoGcRegion(long budgetBytes = 128L << 20)
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            return; // already inside one (nested use)
        }

        for (long budget = budgetBytes; budget >= 8L << 20 && !started; budget /= 2)
        {
            try
            {
                started = GC.TryStartNoGCRegion(budget);
            }
            catch (ArgumentOutOfRangeException)
            {
                // Larger than this GC allows: try half.
            }
        }
    }

    /// <summary>Whether the region is in force (false when the GC refused or the budget ran out).</summary>
    public bool Active => started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    public void Dispose()
    {
        if (started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            try
            {
                GC.EndNoGCRegion();
            }
            catch (InvalidOperationException)
            {
                // The budget was exceeded and the runtime already ended the region.
            }
        }
    }
}
