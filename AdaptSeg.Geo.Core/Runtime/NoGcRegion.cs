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
/// budget the region ends early and a collection may run, so the budget is generous (1 GiB of
/// address space; only what is allocated is touched).
/// </remarks>
public sealed class NoGcRegion : IDisposable
{
    /// <summary>The first budget tried; halved down to 8 MiB when the GC refuses it.</summary>
    public const long DefaultBudgetBytes = 1L << 30;

    // The region is process-wide, so concurrent holders (two trainers in one process, as in the
    // test suite or a library user running runs side by side) share one: the first starts it,
    // the last ends it. Ending it while another step is still inside would let a collection,
    // and so the finalizer race, into that step.
    private static readonly Lock Gate = new();
    private static int holders;
    private static bool regionStarted;
    private bool disposed;

    /// <summary>Enters the process-wide region, starting it with room for <paramref name="budgetBytes"/> of allocations (all threads) when no other holder has.</summary>
    public NoGcRegion(long budgetBytes = DefaultBudgetBytes)
    {
        lock (Gate)
        {
            if (holders++ > 0 || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                return; // already in force (another holder, or a region started outside this class)
            }

            for (long budget = budgetBytes; budget >= 8L << 20 && !regionStarted; budget /= 2)
            {
                try
                {
                    regionStarted = GC.TryStartNoGCRegion(budget);
                }
                catch (ArgumentOutOfRangeException)
                {
                    // Larger than this GC allows: try half.
                }
            }
        }
    }

    /// <summary>Whether a region is in force now (false when the GC refused or the budget ran out).</summary>
    public static bool Active => GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    /// <summary>How many holders are inside the region now.</summary>
    public static int Holders
    {
        get
        {
            lock (Gate)
            {
                return holders;
            }
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            if (--holders > 0 || !regionStarted)
            {
                return;
            }

            regionStarted = false;
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
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
}
