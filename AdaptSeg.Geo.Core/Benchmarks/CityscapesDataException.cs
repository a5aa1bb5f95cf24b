namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// A GTA5 or Cityscapes file or folder that cannot be used as it is: missing, of the wrong size,
/// or holding a value that is not a label id. The message names the file and says how to fix it.
/// </summary>
public sealed class CityscapesDataException(string message, string path) : AdaptSegInputException(message)
{
    /// <summary>The offending file or folder.</summary>
    public string Path { get; } = path;
}
