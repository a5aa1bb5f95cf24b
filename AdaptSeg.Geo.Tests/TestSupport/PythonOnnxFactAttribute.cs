using System.Diagnostics;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>A fact that needs ONNX's own Python package (Debian: python3-onnx); skipped where /usr/bin/python3 cannot import onnx.</summary>
public sealed class PythonOnnxFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(Probe);

    public PythonOnnxFactAttribute()
    {
        if (Missing.Value is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Runs <see cref="Python"/> with a script; returns exit code and output.</summary>
    public static (int Code, string Output) Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }

    private static string? Probe()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is not installed (install python3-onnx to run ONNX's checker).";
        }

        try
        {
            var (code, output) = Run("import onnx; print(onnx.__version__)");
            return code == 0 ? null : $"{Python} cannot import onnx (install the Debian package python3-onnx): {output.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Python} could not be run: {e.Message}";
        }
    }
}
