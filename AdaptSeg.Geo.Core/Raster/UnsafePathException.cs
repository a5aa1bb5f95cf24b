namespace AdaptSeg.Geo.Raster;

/// <summary>
/// A path given to a command would destroy or misplace the user's data: an output that is one of
/// the inputs (or an input's sidecar), two outputs naming one file, an existing output without
/// <c>--overwrite</c>, or a name that was not valid UTF-8. The message names the path and the fix.
/// </summary>
public sealed class UnsafePathException(string message, string path) : IOException(message)
{
    /// <summary>The offending path, as given.</summary>
    public string Path { get; } = path;
}
