namespace AdaptSeg.Geo.Raster;

/// <summary>A GDAL call failed. The message holds what we were doing, the file, and GDAL's own words.</summary>
public sealed class GdalException(string message, string? gdalMessage = null, string? path = null)
    : AdaptSegInputException(Compose(message, gdalMessage))
{
    /// <summary>GDAL's own error text (from CPLError), if it gave one.</summary>
    public string? GdalMessage { get; } = gdalMessage;

    /// <summary>The file concerned, if any.</summary>
    public string? Path { get; } = path;

    private static string Compose(string message, string? gdalMessage) =>
        string.IsNullOrWhiteSpace(gdalMessage) ? message : $"{message} GDAL said: {gdalMessage.Trim()}";
}
