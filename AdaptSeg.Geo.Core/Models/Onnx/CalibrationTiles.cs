using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>
/// Unlabelled calibration tiles from the target domain of a prepared folder: the images only
/// (<see cref="PreparedDataset.LoadTargetImages"/> opens no label file), on a half-overlapping
/// tile grid, spread evenly over all target scenes.
/// </summary>
public static class CalibrationTiles
{
    /// <summary>
    /// Reads up to <see cref="CalibrationOptions.Tiles"/> tiles with at least
    /// <see cref="CalibrationOptions.MinimumValidFraction"/> valid pixels, normalised with
    /// <paramref name="statistics"/> (the model's own). Throws naming the folder and the fix when the
    /// band count differs from the model's or no tile qualifies.
    /// </summary>
    public static CalibrationSet FromPreparedTarget(string preparedFolder, BandStatistics statistics, CalibrationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preparedFolder);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        PreparedDomain target = PreparedDataset.LoadTargetImages(preparedFolder);
        int bands = statistics.Mean.Length;
        if (target.Statistics.Mean.Length != bands)
        {
            throw new PreparedDatasetException(
                $"The calibration folder '{preparedFolder}' has {target.Statistics.Mean.Length} band(s) but the model takes {bands}; calibrate on the folder the model was trained from.",
                preparedFolder);
        }

        return Read(target.Scenes.Select(s => (s.ImagePath, s.Width, s.Height)).ToList(), [.. Enumerable.Range(1, bands)], statistics, options, $"the target images in '{preparedFolder}'", cancellationToken);
    }

    /// <summary>
    /// The same from any raster GDAL reads (<c>bench predict</c> calibrates on its synthetic raster):
    /// <paramref name="bands"/> (1-based) in the model's channel order.
    /// </summary>
    public static CalibrationSet FromRaster(string path, IReadOnlyList<int> bands, BandStatistics statistics, CalibrationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(bands);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (bands.Count != statistics.Mean.Length)
        {
            throw new ArgumentException($"{bands.Count} band(s) to read but statistics for {statistics.Mean.Length}.", nameof(bands));
        }

        int width, height;
        using (GdalDataset dataset = GdalDataset.Open(path))
        {
            (width, height) = (dataset.Width, dataset.Height);
        }

        return Read([(path, width, height)], bands, statistics, options, $"'{path}'", cancellationToken);
    }

    private static CalibrationSet Read(IReadOnlyList<(string Path, int Width, int Height)> images, IReadOnlyList<int> bandList, BandStatistics statistics, CalibrationOptions options,
        string where, CancellationToken cancellationToken)
    {
        int bands = bandList.Count;
        int size = options.TileSize;
        var candidates = new List<(string Path, PixelWindow Window)>();
        foreach (var (path, width, height) in images)
        {
            candidates.AddRange(TileGrid.Windows(width, height, size, size / 2).Select(w => (path, w)));
        }

        // Spread evenly over the grid, taking tiles in that order until enough have valid pixels.
        IReadOnlyList<int> order = Spread(candidates.Count);
        (float[] mean, float[] std) = OnnxInputNormalisation.Parameters(statistics);
        int plane = size * size;
        var tiles = new List<float[]>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        GdalDataset? open = null;
        TileReader? reader = null;
        string? openPath = null;
        try
        {
            var raw = new float[bands * plane];
            var valid = new byte[plane];
            foreach (int index in order)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (path, window) = candidates[index];
                if (openPath != path)
                {
                    open?.Dispose();
                    open = GdalDataset.Open(path);
                    reader = new TileReader(open, bandList);
                    openPath = path;
                }

                int count = reader!.Read(window, size, raw, valid);
                if (count < options.MinimumValidFraction * window.Area || count == 0)
                {
                    continue;
                }

                var tile = new float[bands * plane];
                OnnxInputNormalisation.Apply(raw, 1, plane, mean, std, tile);
                tiles.Add(tile);
                used.Add(path);
                if (tiles.Count == options.Tiles)
                {
                    break;
                }
            }
        }
        finally
        {
            open?.Dispose();
        }

        if (tiles.Count == 0)
        {
            throw new InvalidDataException(
                $"No {size}-px tile of {where} has {options.MinimumValidFraction:P0} valid pixels; give a smaller CalibrationOptions.TileSize or other images.");
        }

        return new CalibrationSet(tiles, bands, size, [.. used], candidates.Count);
    }

    /// <summary>
    /// All indices 0..<paramref name="count"/>-1 in an order that spreads the first ones evenly: the
    /// bit-reversal of each index's position (0, n/2, n/4, 3n/4, ...), so taking the first k gives k
    /// tiles spread over the whole grid, deterministically.
    /// </summary>
    public static IReadOnlyList<int> Spread(int count)
    {
        int bits = 0;
        while ((1 << bits) < count)
        {
            bits++;
        }

        var result = new List<int>(count);
        for (int i = 0; i < 1 << bits; i++)
        {
            int reversed = 0;
            for (int b = 0; b < bits; b++)
            {
                reversed |= ((i >> b) & 1) << (bits - 1 - b);
            }

            if (reversed < count)
            {
                result.Add(reversed);
            }
        }

        return result;
    }
}
