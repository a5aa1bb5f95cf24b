namespace AdaptSeg.Geo.Models;

/// <summary>
/// Initial weights (<c>model.init</c>) that do not fit the network: a band list of the wrong length,
/// weights for another width, backbone or class count, or a file with nothing this network uses.
/// </summary>
public sealed class ModelInitException : AdaptSegInputException
{
    public ModelInitException(string setting, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Setting = setting;
    }

    /// <summary>The configuration setting to fix, as a JSON path: <c>$.model.init</c> or <c>$.model.init.bands</c>.</summary>
    public string Setting { get; }
}
