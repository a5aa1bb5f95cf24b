using System.CommandLine;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>The invocation's writers (so tests can capture what a command prints).</summary>
internal static class CommandOutput
{
    public static TextWriter Out(this ParseResult parse) => parse.InvocationConfiguration.Output;

    public static TextWriter Err(this ParseResult parse) => parse.InvocationConfiguration.Error;
}
