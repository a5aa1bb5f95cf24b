using AdaptSeg.Geo.Cli;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>Runs the CLI in-process with captured writers.</summary>
public static class CliRunner
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await AdaptSegCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
