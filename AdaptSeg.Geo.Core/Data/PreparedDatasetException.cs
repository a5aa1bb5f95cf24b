namespace AdaptSeg.Geo.Data;

/// <summary>A prepared folder is missing, incomplete or inconsistent. The message names the file and the fix.</summary>
public sealed class PreparedDatasetException(string message, string path, Exception? inner = null) : AdaptSegInputException(message, inner)
{
    /// <summary>The file (or folder) at fault.</summary>
    public string Path { get; } = path;
}
