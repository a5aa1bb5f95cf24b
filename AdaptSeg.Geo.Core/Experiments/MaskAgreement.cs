using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Experiments;

/// <summary>How two class masks of the same raster agree, read a row at a time.</summary>
internal static class MaskAgreement
{
    /// <summary>Pixels predicted in both masks (not nodata, 255) and, of those, the pixels with the same class.</summary>
    public static (long Same, long Total) Count(string first, string second)
    {
        using GdalDataset a = GdalDataset.Open(first);
        using GdalDataset b = GdalDataset.Open(second);
        if (a.Width != b.Width || a.Height != b.Height)
        {
            throw new InvalidOperationException($"'{first}' is {a.Width}x{a.Height} and '{second}' {b.Width}x{b.Height}: masks of one raster have its size.");
        }

        long same = 0, total = 0;
        var rowA = new byte[a.Width];
        var rowB = new byte[a.Width];
        for (int y = 0; y < a.Height; y++)
        {
            a.Read<byte>(1, new PixelWindow(0, y, a.Width, 1), rowA);
            b.Read<byte>(1, new PixelWindow(0, y, a.Width, 1), rowB);
            for (int x = 0; x < rowA.Length; x++)
            {
                if (rowA[x] != RasterEvaluator.Ignore && rowB[x] != RasterEvaluator.Ignore)
                {
                    total++;
                    same += rowA[x] == rowB[x] ? 1 : 0;
                }
            }
        }

        return (same, total);
    }
}
