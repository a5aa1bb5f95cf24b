using System.Runtime.InteropServices;
using TorchSharp;

namespace AdaptSeg.Geo.Runtime;

/// <summary>
/// libtorch switches TorchSharp 0.107 does not expose, reached through libtorch's own C++ entry
/// points: cuDNN benchmark mode (<c>at::globalContext().setBenchmarkCuDNN</c>), which lets cuDNN
/// time its convolution algorithms once per input shape and keep the fastest.
/// </summary>
public static class CudaTuning
{
    private const string GlobalContext = "_ZN2at13globalContextEv";
    private const string SetBenchmark = "_ZN2at7Context17setBenchmarkCuDNNEb";
    private const string GetBenchmark = "_ZNK2at7Context14benchmarkCuDNNEv";

    /// <summary>Turns cuDNN benchmark mode on or off (harmless without CUDA: it is a flag in libtorch's context).</summary>
    public static unsafe void SetCudnnBenchmark(bool enabled)
    {
        IntPtr library = TorchCpu();
        var context = (delegate* unmanaged[Cdecl]<IntPtr>)NativeLibrary.GetExport(library, GlobalContext);
        var set = (delegate* unmanaged[Cdecl]<IntPtr, byte, void>)NativeLibrary.GetExport(library, SetBenchmark);
        set(context(), enabled ? (byte)1 : (byte)0);
    }

    /// <summary>Whether cuDNN benchmark mode is on.</summary>
    public static unsafe bool IsCudnnBenchmark()
    {
        IntPtr library = TorchCpu();
        var context = (delegate* unmanaged[Cdecl]<IntPtr>)NativeLibrary.GetExport(library, GlobalContext);
        var get = (delegate* unmanaged[Cdecl]<IntPtr, byte>)NativeLibrary.GetExport(library, GetBenchmark);
        return get(context()) != 0;
    }

    /// <summary>
    /// A tensor with the same NCHW shape and values but channels-last (NHWC) strides: TorchSharp
    /// 0.107 has no memory_format argument, so this permutes to NHWC, makes it contiguous and
    /// permutes back. Convolutions then run in NHWC where the backend supports it.
    /// </summary>
    public static torch.Tensor ToChannelsLast(torch.Tensor nchw) =>
        nchw.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    private static IntPtr TorchCpu()
    {
        // TorchSharp has loaded libtorch_cpu already (bundled, or an external one loaded by TorchRuntime).
        _ = torch.ones(1);
        if (NativeLibrary.TryLoad("libtorch_cpu.so", typeof(torch).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory, out IntPtr handle)
            || NativeLibrary.TryLoad("libtorch_cpu.so", out handle))
        {
            return handle;
        }

        throw new DllNotFoundException("libtorch_cpu.so could not be found to set cuDNN options.");
    }
}
