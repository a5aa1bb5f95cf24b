using System.CommandLine;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// The one way commands end on errors: runs a command's work with Ctrl+C/SIGTERM turned into
/// cancellation (<see cref="SignalCancellation"/>), maps the library's bad-input exceptions
/// (<see cref="CommandArguments.IsBadInput"/>) to exit code 2 with their message (the library's option names
/// shown as the command's flags, <see cref="LibraryOptionNames"/>), and cancellation
/// to 130 with <paramref name="cancelledMessage"/> (what was and was not written). Anything else
/// is a bug and propagates with its stack trace.
/// </summary>
internal static class CommandErrors
{
    public static int Run(ParseResult parse, CancellationToken cancellationToken, Func<CancellationToken, int> action, string cancelledMessage = "Cancelled.")
    {
        try
        {
            return SignalCancellation.Run(cancellationToken, action);
        }
        catch (OperationCanceledException)
        {
            parse.Err().WriteLine(cancelledMessage);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (CommandArguments.IsBadInput(e))
        {
            parse.Err().WriteLine($"error: {LibraryOptionNames.Apply(e.Message)}");
            if (Environment.GetEnvironmentVariable("ADAPTSEG_TRACE") is not null)
            {
                parse.Err().WriteLine(e.ToString()); // the whole exception, for a bug report
            }

            return ExitCodes.BadInput;
        }
    }
}
