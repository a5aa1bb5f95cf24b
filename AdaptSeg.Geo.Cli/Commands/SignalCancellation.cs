using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// Turns Ctrl+C (SIGINT) and SIGTERM into cancellation of a command's token, instead of the
/// default immediate termination, and holds process exit until the command has finished cleaning
/// up (removing partial outputs, writing a training checkpoint). System.CommandLine 2.0's own
/// handling ended the process before synchronous commands could react.
/// </summary>
internal static class SignalCancellation
{
    public static int Run(CancellationToken outer, Func<CancellationToken, int> body)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            cancel.Cancel();
        }

        using var sigInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var finished = new ManualResetEventSlim();
        EventHandler holdExit = (_, _) => finished.Wait(TimeSpan.FromMinutes(2));
        AppDomain.CurrentDomain.ProcessExit += holdExit;
        try
        {
            return body(cancel.Token);
        }
        finally
        {
            finished.Set();
            AppDomain.CurrentDomain.ProcessExit -= holdExit;
        }
    }
}
