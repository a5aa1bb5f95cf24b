using System.Reflection;
using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>
/// Finds the system GDAL library for the <c>[LibraryImport("gdal")]</c> declarations: first
/// <c>libgdal.so</c> (present with the -dev package), then the versioned names of GDAL 3.6 (Debian 12's
/// <c>libgdal.so.32</c>) to 3.11. Set <c>ADAPTSEG_GDAL_LIBRARY</c> to a full path to use another build.
/// </summary>
public static class GdalLibraryResolver
{
    /// <summary>The logical name used by the P/Invoke declarations.</summary>
    public const string LogicalName = "gdal";

    /// <summary>Environment variable that names a GDAL library file to load instead.</summary>
    public const string OverrideVariable = "ADAPTSEG_GDAL_LIBRARY";

    private static readonly Lock Gate = new();
    private static bool registered;

    /// <summary>Where GDAL was loaded from, once it has been.</summary>
    public static string? LoadedFrom { get; private set; }

    /// <summary>The names tried, in order.</summary>
    public static IReadOnlyList<string> DefaultCandidates { get; } =
    [
        "libgdal.so",
        "libgdal.so.32",
        "libgdal.so.33",
        "libgdal.so.34",
        "libgdal.so.35",
        "libgdal.so.36",
        "libgdal.so.37",
        "libgdal.dylib",
        "gdal.dll",
    ];

    /// <summary>Installs the resolver for this assembly (once).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (registered)
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(GdalLibraryResolver).Assembly, Resolve);
            registered = true;
        }
    }

    /// <summary>
    /// Loads the first candidate that loads. Throws <see cref="GdalNotFoundException"/> naming what
    /// was tried and the package to install.
    /// </summary>
    public static IntPtr Load(IEnumerable<string> candidates)
    {
        var tried = new List<string>();
        foreach (string candidate in candidates)
        {
            tried.Add(candidate);
            if (NativeLibrary.TryLoad(candidate, out IntPtr handle))
            {
                LoadedFrom = candidate;
                return handle;
            }
        }

        throw new GdalNotFoundException(tried);
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LogicalName)
        {
            return IntPtr.Zero;
        }

        string? overridePath = Environment.GetEnvironmentVariable(OverrideVariable);
        return Load(string.IsNullOrWhiteSpace(overridePath) ? DefaultCandidates : [overridePath]);
    }
}
