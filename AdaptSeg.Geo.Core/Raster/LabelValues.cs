namespace AdaptSeg.Geo.Raster;

/// <summary>Counts the values of a label raster, window by window, and checks them against a class list.</summary>
public static class LabelValues
{
    /// <summary>
    /// Counts every value of band 1 (nodata excluded), reading a strip of rows at a time.
    /// Integer rasters only: a float label raster is rejected.
    /// </summary>
    public static SortedDictionary<long, long> Count(GdalDataset labels, CancellationToken cancellationToken = default)
    {
        RasterDataType type = labels.GetDataType(1);
        if (type is RasterDataType.Float32 or RasterDataType.Float64 or RasterDataType.Unknown)
        {
            throw new LabelValueException(labels.Path, $"Labels '{labels.Path}' are {type}; labels must be integer class indices (uint8 with 255 = ignore). Convert with gdal_translate -ot Byte.", []);
        }

        double? noData = labels.GetNoData(1);
        var counts = new SortedDictionary<long, long>();
        int rows = Math.Max(1, Math.Min(labels.Height, (int)(4_000_000 / Math.Max(1, labels.Width))));
        var buffer = new int[(long)rows * labels.Width];
        var histogram = new long[256];
        for (int row = 0; row < labels.Height; row += rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var window = new PixelWindow(0, row, labels.Width, Math.Min(rows, labels.Height - row));
            Span<int> span = buffer.AsSpan(0, (int)window.Area);
            labels.Read(1, window, span);
            foreach (int v in span)
            {
                if ((uint)v < 256)
                {
                    histogram[v]++;
                }
                else
                {
                    counts[v] = counts.GetValueOrDefault(v) + 1;
                }
            }
        }

        for (int v = 0; v < 256; v++)
        {
            if (histogram[v] > 0)
            {
                counts[v] = histogram[v];
            }
        }

        if (noData is double nd)
        {
            counts.Remove((long)nd);
        }

        return counts;
    }

    /// <summary>Throws <see cref="LabelValueException"/> listing every value outside 0..classCount-1 and 255.</summary>
    public static void Check(GdalDataset labels, IReadOnlyList<string> classNames, CancellationToken cancellationToken = default)
    {
        var outside = Count(labels, cancellationToken)
            .Where(kv => !(kv.Key >= 0 && kv.Key < classNames.Count) && kv.Key != GridWarper.IgnoreLabel)
            .ToList();
        if (outside.Count > 0)
        {
            throw new LabelValueException(labels.Path,
                $"Labels '{labels.Path}' hold values outside the class list ({string.Join(", ", classNames.Select((n, i) => $"{i}={n}"))}, 255=ignore): " +
                string.Join(", ", outside.Select(kv => $"{kv.Key} ({kv.Value} px)")) + ". Fix the labels or add the classes.",
                outside.Select(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        }
    }
}
