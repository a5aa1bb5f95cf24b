namespace AdaptSeg.Geo;

/// <summary>
/// The base of the library's exceptions that mean the caller's input, configuration or environment is wrong
/// (not a bug): a file that cannot be used, a configuration with problems, a device that is not there. The
/// message names the offending value or path and says how to fix it; the CLI prints it and exits 2.
/// </summary>
public abstract class AdaptSegInputException : Exception
{
    /// <summary>An exception with <paramref name="message"/> and the exception that caused it, if any.</summary>
    protected AdaptSegInputException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
