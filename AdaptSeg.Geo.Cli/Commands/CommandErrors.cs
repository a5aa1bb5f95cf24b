using System.CommandLine;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>Maps the library's bad-input exceptions to exit code 2 with their message, and cancellation to 130.</summary>
internal static class CommandErrors
{
    public static int Run(ParseResult parse, CancellationToken cancellationToken, Func<CancellationToken, int> action)
    {
        try
        {
            return SignalCancellation.Run(cancellationToken, action);
        }
        catch (OperationCanceledException)
        {
            parse.Err().WriteLine("Cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (CommandArguments.IsBadInput(e))
        {
            parse.Err().WriteLine($"error: {e.Message}");
            if (Environment.GetEnvironmentVariable("ADAPTSEG_TRACE") is not null)
            {
                parse.Err().WriteLine(e.ToString()); // the whole exception, for a bug report
            }

            return ExitCodes.BadInput;
        }
    }
}
