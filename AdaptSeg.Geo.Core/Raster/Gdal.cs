using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// One-time GDAL set-up and the bridge from CPLError to .NET exceptions. GDAL reports failures
/// through an error handler and a return code; the handler records the message on the calling
/// thread and the wrappers throw a <see cref="GdalException"/> carrying it after the call returns
/// (exceptions must never unwind through native frames).
/// </summary>
public static class Gdal
{
    private static readonly Lock Gate = new();
    private static bool initialised;

    [ThreadStatic]
    private static string? lastError;

    [ThreadStatic]
    private static long clearedAt;

    // GDAL decodes on worker threads (GDAL_NUM_THREADS), which report their errors there. The most
    // recent failure from any thread is kept too, numbered, so that a call that failed without an
    // error on its own thread still gets GDAL's words, but only a failure recorded after that call
    // began: other threads can neither clear nor take this thread's message.
    private static (long Sequence, string? Message) lastErrorAnyThread;
    private static long errorSequence;
    private static readonly Lock ErrorGate = new();

    /// <summary>Warnings GDAL emitted (for example about deprecated CRS codes), most recent last, capped.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> Warnings = new();

    /// <summary>Registers drivers, installs the error handler and sets config options. Safe to call often.</summary>
    public static void Initialize()
    {
        if (Volatile.Read(ref initialised))
        {
            return;
        }

        lock (Gate)
        {
            if (initialised)
            {
                return;
            }

            GdalLibraryResolver.Register();
            GdalNative.GDALAllRegister();
            unsafe
            {
                GdalNative.CPLSetErrorHandler(&OnError);
            }

            // Decode with all cores; keep GDAL's block cache bounded so memory does not grow with raster size.
            SetDefault("GDAL_NUM_THREADS", "ALL_CPUS");
            SetDefault("GDAL_CACHEMAX", "256");
            // PAM .aux.xml sidecars carry category names and attribute tables (ours and the sample labels').
            SetDefault("GDAL_PAM_ENABLED", "YES");
            Volatile.Write(ref initialised, true);
        }
    }

    /// <summary>GDAL's release name, for example "3.6.2".</summary>
    public static string Version
    {
        get
        {
            Initialize();
            return Marshal.PtrToStringUTF8(GdalNative.GDALVersionInfo("RELEASE_NAME")) ?? "unknown";
        }
    }

    /// <summary>PROJ's version as GDAL sees it.</summary>
    public static string ProjVersion
    {
        get
        {
            Initialize();
            GdalNative.OSRGetPROJVersion(out int major, out int minor, out int patch);
            return $"{major}.{minor}.{patch}";
        }
    }

    /// <summary>Whether a driver (GTiff, COG, GPKG, ...) is available.</summary>
    public static bool HasDriver(string shortName)
    {
        Initialize();
        return GdalNative.GDALGetDriverByName(shortName) != IntPtr.Zero;
    }

    /// <summary>Sets a GDAL configuration option for the process.</summary>
    public static void SetConfigOption(string key, string? value)
    {
        Initialize();
        GdalNative.CPLSetConfigOption(key, value);
    }

    /// <summary>The most recent warnings GDAL emitted in this process.</summary>
    public static IReadOnlyList<string> RecentWarnings => Warnings.ToArray();

    internal static void ClearError()
    {
        lastError = null;
        clearedAt = Interlocked.Read(ref errorSequence);
        GdalNative.CPLErrorReset();
    }

    /// <summary>Takes (and clears) the last failure message recorded on this thread.</summary>
    internal static string? TakeError()
    {
        string? message = lastError;
        if (message is null)
        {
            lock (ErrorGate)
            {
                if (lastErrorAnyThread.Sequence > clearedAt)
                {
                    message = lastErrorAnyThread.Message;
                }
            }
        }

        lastError = null;
        clearedAt = Interlocked.Read(ref errorSequence);
        return message;
    }

    /// <summary>Throws a <see cref="GdalException"/> when <paramref name="failed"/>, with GDAL's message.</summary>
    internal static void ThrowIf(bool failed, string what, string? path = null)
    {
        string? message = TakeError();
        if (failed)
        {
            throw new GdalException(what, message, path);
        }
    }

    private static void SetDefault(string key, string value)
    {
        if (Marshal.PtrToStringUTF8(GdalNative.CPLGetConfigOption(key, null)) is null)
        {
            GdalNative.CPLSetConfigOption(key, value);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(int errorClass, int errorNumber, IntPtr message)
    {
        string text = Marshal.PtrToStringUTF8(message) ?? $"error {errorNumber}";
        if (errorClass >= GdalNative.CeFailure)
        {
            lastError = lastError is null ? text : lastError + " " + text;
            lock (ErrorGate)
            {
                lastErrorAnyThread = (Interlocked.Increment(ref errorSequence), text);
            }
        }
        else if (errorClass == GdalNative.CeWarning)
        {
            Warnings.Enqueue(text);
            while (Warnings.Count > 50 && Warnings.TryDequeue(out _))
            {
            }
        }
    }
}
