using System.Diagnostics;
using AdaptSeg.Geo.Cli;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// Runs the CLI with captured writers: in-process, except the verbs that train, which run as the
/// built program in a child process, as a user runs them.
/// </summary>
/// <remarks>
/// Training runs in child processes, one run per process, so that one test's run cannot share
/// libtorch or GC state with another's, and each run is tested as a user starts it.
/// </remarks>
public static class CliRunner
{
    private static readonly HashSet<string> Training = ["train", "demo", "compare"];

    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        if (args.Length > 0 && Training.Contains(args[0]))
        {
            return await RunChildAsync(args);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await AdaptSegCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>dotnet adaptseg.dll ARGS</c> (the CLI built next to the tests) and returns its exit code and output.</summary>
    public static async Task<(int Code, string Output, string Error)> RunChildAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "adaptseg.dll"));
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process child = Process.Start(start)!;
        Task<string> output = child.StandardOutput.ReadToEndAsync();
        Task<string> error = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        return (child.ExitCode, await output, await error);
    }
}
