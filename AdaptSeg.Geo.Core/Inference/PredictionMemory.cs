using System.Globalization;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Bounds on the sliding-window prediction's own buffers, checked before anything is allocated:
/// settings whose buffers cannot exist (an array over .NET's limit) or would not fit in the memory this process may use are refused with
/// the amount they would need.
/// </summary>
public static class PredictionMemory
{
    private const int BatchesInFlight = 3; // as SlidingWindowPredictor

    /// <summary>
    /// Bytes the rolling blend rows and the batches in flight take for <paramref name="options"/> on a
    /// raster <paramref name="width"/> x <paramref name="height"/> (as a double, so absurd settings do not overflow).
    /// </summary>
    public static double WorkingBytes(StitchOptions options, int width, int height, int bands, int classes)
    {
        ArgumentNullException.ThrowIfNull(options);
        double tile = options.TileSize;
        double rows = Math.Min(height, options.TileSize);
        double ring = rows * width * ((classes + 1) * 4.0 + 2);
        double batch = options.BatchSize * tile * tile;
        return ring + BatchesInFlight * batch * (bands * 4.0 + 1) + batch * classes * 4.0;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> (naming the options, the bytes needed and the memory
    /// available) when the buffers for <paramref name="options"/> cannot be allocated.
    /// </summary>
    public static void ThrowIfTooLarge(StitchOptions options, int width, int height, int bands, int classes, long? availableBytes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        double need = WorkingBytes(options, width, height, bands, classes);
        double tile = options.TileSize;
        double rows = Math.Min(height, options.TileSize);
        double longestArray = Math.Max(options.BatchSize * tile * tile * Math.Max(bands, classes), rows * width * classes);
        long available = availableBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (longestArray > Array.MaxLength || need > available)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"StitchOptions.TileSize {options.TileSize} with StitchOptions.BatchSize {options.BatchSize} on a {width}x{height} raster ({bands} band(s), {classes} classes) needs about " +
                $"{need / (1L << 30):F1} GiB for its tile buffers and blending rows{(longestArray > Array.MaxLength ? ", in arrays larger than .NET allows" : "")}; " +
                $"this process may use {available / (double)(1L << 30):F1} GiB. Use a smaller StitchOptions.TileSize (512 is typical) or StitchOptions.BatchSize."));
        }
    }
}
