using System.Collections.Concurrent;
using System.Diagnostics;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// The system Python (<c>/usr/bin/python3</c>) with Debian's python3-gdal, python3-torch and
/// python3-qgis, used to check our outputs in the tools users open them with. Tests that need a
/// module carry <see cref="PythonFactAttribute"/> and are skipped, with the package named, where it is absent.
/// </summary>
public static class ExternalPython
{
    public const string Interpreter = "/usr/bin/python3";

    private static readonly ConcurrentDictionary<string, bool> Modules = new();

    /// <summary>Where Debian's python3-gdal ships GDAL's COG validator; null when none is installed.</summary>
    public static string? CogValidator { get; } = new[]
    {
        "/usr/share/doc/python3-gdal/examples/validate_cloud_optimized_geotiff.py",
        "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py",
    }.FirstOrDefault(File.Exists);

    /// <summary>True when <c>import <paramref name="module"/></c> works in the system Python.</summary>
    public static bool Has(string module) => Modules.GetOrAdd(module, m =>
        File.Exists(Interpreter) && Run(["-c", $"import {m}"], TimeSpan.FromSeconds(60)).ExitCode == 0);

    /// <summary>Runs the system Python with <paramref name="arguments"/>; kills it after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output) Run(IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python3 {string.Join(' ', arguments)} ran longer than {timeout}.");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs a Python script given as text with <paramref name="arguments"/>.</summary>
    public static (int ExitCode, string Output) RunScript(string script, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null) =>
        Run(["-c", script, .. arguments], timeout, environment);
}

/// <summary>A fact that needs Python modules in the system Python; skipped (naming the Debian package) where one is absent.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute(string module, string debianPackage)
    {
        if (!ExternalPython.Has(module))
        {
            Skip = $"{ExternalPython.Interpreter} cannot import {module}; install the Debian package {debianPackage}.";
        }
    }
}

/// <summary>A fact that needs GDAL's validate_cloud_optimized_geotiff.py (Debian python3-gdal).</summary>
public sealed class CogValidatorFactAttribute : FactAttribute
{
    public CogValidatorFactAttribute()
    {
        if (ExternalPython.CogValidator is null || !ExternalPython.Has("osgeo.gdal"))
        {
            Skip = "GDAL's validate_cloud_optimized_geotiff.py is not installed; install the Debian package python3-gdal.";
        }
    }
}
