namespace AdaptSeg.Geo.Data;

/// <summary>An input of <c>prepare</c> is unusable (no CRS, corrupt file, wrong labels, AOI off the rasters, ...).</summary>
public sealed class PrepareInputException(string message, string? path = null, Exception? inner = null) : AdaptSegInputException(message, inner)
{
    /// <summary>The file concerned.</summary>
    public string? Path { get; } = path;
}
