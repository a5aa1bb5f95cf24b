using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace AdaptSeg.Geo.Runtime;

/// <summary>
/// Loads libtorch and picks the compute device. For CUDA, an existing libtorch can be used
/// instead of the bundled CPU one: <c>ADAPTSEG_LIBTORCH</c> names a folder holding
/// <c>libtorch_cuda.so</c>; when unset, the libtorch of an installed PyTorch is used
/// (found with <c>python3 -c "import torch"</c>). Its libraries are loaded by full path before
/// TorchSharp initialises, so the loader reuses them when TorchSharp asks for them by name.
/// </summary>
public static class TorchRuntime
{
    /// <summary>Environment variable naming a folder with libtorch_cuda.so.</summary>
    public const string LibTorchVariable = "ADAPTSEG_LIBTORCH";

    private static readonly string[] LibTorchLoadOrder =
        ["libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so"];

    private static readonly Lock Gate = new();
    private static bool externalLoaded;

    /// <summary>How libtorch was found, for <c>doctor</c>.</summary>
    public static string LibTorchSource { get; private set; } = "bundled (NuGet libtorch natives next to the app)";

    /// <summary>TorchSharp's assembly version.</summary>
    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The libtorch version TorchSharp was built against.</summary>
    public static string LibTorchVersion => torch.__version__;

    /// <summary>
    /// Resolves "cpu", "cuda", "cuda:N" or "auto" to a device. "auto" picks CUDA when it is available.
    /// Throws <see cref="DeviceUnavailableException"/> with the fix when CUDA is asked for and missing.
    /// </summary>
    public static torch.Device ResolveDevice(string request)
    {
        string normalised = request.Trim().ToLowerInvariant();
        if (normalised == "cpu")
        {
            return torch.CPU;
        }

        if (normalised != "auto" && normalised != "cuda" && !normalised.StartsWith("cuda:", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Unknown device '{request}'. Use cpu, cuda, cuda:N or auto.", nameof(request));
        }

        bool available = TryEnableCuda(out string why);
        if (normalised == "auto")
        {
            return available ? torch.CUDA : torch.CPU;
        }

        if (!available)
        {
            throw new DeviceUnavailableException(
                $"CUDA was asked for but is not available: {why} " +
                $"Either build with -p:TorchBackend=cuda (needs TorchSharp-cuda-linux from your NuGet feed), " +
                $"or point {LibTorchVariable} at the lib folder of a CUDA libtorch (or install PyTorch with CUDA for python3), " +
                "or run on the device 'cpu'.");
        }

        return new torch.Device(normalised);
    }

    /// <summary>Loads an external CUDA libtorch if one is configured, then asks TorchSharp whether CUDA works.</summary>
    public static bool TryEnableCuda(out string why)
    {
        try
        {
            string? folder = FindExternalLibTorch(out string source);
            if (folder is not null)
            {
                LoadExternal(folder, source);
            }

            if (!torch.TryInitializeDeviceType(DeviceType.CUDA) || !torch.cuda.is_available())
            {
                why = folder is null
                    ? "no CUDA libtorch was found (the bundled libtorch is CPU-only, ADAPTSEG_LIBTORCH is unset and python3 has no torch)."
                    : $"libtorch from {folder} loaded, but it reports no usable CUDA device (driver missing, or no GPU).";
                return false;
            }

            why = "";
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or InvalidOperationException or EntryPointNotFoundException or ExternalException)
        {
            why = e.Message;
            return false;
        }
    }

    /// <summary>
    /// The folder of an external libtorch: <c>ADAPTSEG_LIBTORCH</c>, else an installed PyTorch's
    /// <c>torch/lib</c>. Null when neither exists.
    /// </summary>
    public static string? FindExternalLibTorch(out string source)
    {
        string? configured = Environment.GetEnvironmentVariable(LibTorchVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!File.Exists(Path.Combine(configured, "libtorch_cuda.so")))
            {
                throw new DeviceUnavailableException($"{LibTorchVariable}='{configured}' has no libtorch_cuda.so. Point it at the 'lib' folder of a CUDA libtorch.");
            }

            source = $"{LibTorchVariable}={configured}";
            return configured;
        }

        string? python = PythonTorchLib();
        source = python is null ? "" : $"python3's PyTorch at {python}";
        return python is not null && File.Exists(Path.Combine(python, "libtorch_cuda.so")) ? python : null;
    }

    private static void LoadExternal(string folder, string source)
    {
        lock (Gate)
        {
            if (externalLoaded)
            {
                return;
            }

            foreach (string name in LibTorchLoadOrder)
            {
                string path = Path.Combine(folder, name);
                if (File.Exists(path))
                {
                    NativeLibrary.Load(path);
                }
            }

            externalLoaded = true;
            LibTorchSource = source;
        }
    }

    private static string? PythonTorchLib()
    {
        try
        {
            var start = new ProcessStartInfo("python3", ["-c", "import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process? process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(30_000);
            return process.ExitCode == 0 && Directory.Exists(output) ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no python3 on PATH
        }
    }

    /// <summary>Name and total memory of each CUDA device, from nvidia-smi when present.</summary>
    public static IReadOnlyList<string> DescribeCudaDevices()
    {
        int count = torch.cuda.device_count();
        var names = new List<string>();
        try
        {
            var start = new ProcessStartInfo("nvidia-smi", ["--query-gpu=name,memory.total", "--format=csv,noheader"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process? process = Process.Start(start);
            if (process is not null)
            {
                names.AddRange(process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                process.WaitForExit(10_000);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // nvidia-smi absent: report indices only.
        }

        return Enumerable.Range(0, count).Select(i => $"cuda:{i} {(i < names.Count ? names[i] : "(name unknown: nvidia-smi not found)")}").ToList();
    }
}
