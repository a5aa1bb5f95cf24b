using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>
/// Connects a GDAL progress callback to an <see cref="IProgress{T}"/> and a cancellation token:
/// GDAL stops the operation when the token is cancelled. Keep it alive for the call.
/// </summary>
internal sealed class GdalProgressBridge : IDisposable
{
    private readonly IProgress<double>? progress;
    private readonly CancellationToken cancellationToken;
    private GCHandle self;

    public GdalProgressBridge(IProgress<double>? progress, CancellationToken cancellationToken)
    {
        this.progress = progress;
        this.cancellationToken = cancellationToken;
        self = GCHandle.Alloc(this);
    }

    /// <summary>The <c>pProgressData</c> argument.</summary>
    public IntPtr Data => GCHandle.ToIntPtr(self);

    /// <summary>The <c>pfnProgress</c> argument.</summary>
    public static unsafe delegate* unmanaged[Cdecl]<double, IntPtr, IntPtr, int> Callback => &OnProgress;

    public void Dispose()
    {
        if (self.IsAllocated)
        {
            self.Free();
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnProgress(double complete, IntPtr message, IntPtr data)
    {
        if (GCHandle.FromIntPtr(data).Target is not GdalProgressBridge bridge)
        {
            return 1;
        }

        if (bridge.cancellationToken.IsCancellationRequested)
        {
            return 0;
        }

        try
        {
            bridge.progress?.Report(Math.Clamp(complete, 0, 1));
        }
        catch
        {
            // An exception must not unwind into GDAL; a failing progress sink only loses a report.
        }

        return 1;
    }
}
