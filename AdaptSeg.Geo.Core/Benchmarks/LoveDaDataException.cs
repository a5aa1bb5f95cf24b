namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// A LoveDA file or folder that cannot be used as it is: missing, of an unexpected size, or holding a
/// mask value outside 0..7. The message names the file and says how to fix it.
/// </summary>
public sealed class LoveDaDataException(string message, string path) : AdaptSegInputException(message)
{
    /// <summary>The offending file or folder.</summary>
    public string Path { get; } = path;
}
