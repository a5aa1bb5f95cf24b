using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Tiling;

/// <summary>
/// The tile grid over a raster: square tiles of <c>tile</c> pixels that overlap by <c>overlap</c>
/// pixels, laid out with a constant stride <c>s = tile - overlap</c>.
/// <para>
/// Along one axis of length <c>L</c>: when <c>L &lt;= tile</c> there is one tile, at 0, of length
/// <c>L</c> (the predictor is fed it padded to the full tile). Otherwise there are
/// <c>n = ceil((L - tile) / s) + 1</c> tiles starting at <c>x_i = min(i * s, L - tile)</c> for
/// <c>i = 0..n-1</c>: every start but the last is a multiple of the stride, and the last is
/// snapped back so that the tile ends exactly on the raster edge (it overlaps its neighbour by
/// more than <c>overlap</c> when <c>L - tile</c> is not a multiple of <c>s</c>). Every pixel is
/// covered, no tile leaves the raster, and the starts are strictly increasing.
/// </para>
/// </summary>
public static class TileGrid
{
    /// <summary>The tile starts along one axis (see the type's remarks for the formula).</summary>
    public static int[] Starts(int length, int tile, int overlap)
    {
        Validate(length, tile, overlap);
        if (length <= tile)
        {
            return [0];
        }

        int stride = tile - overlap;
        int count = (int)(((long)length - tile + stride - 1) / stride) + 1;
        var starts = new int[count];
        for (int i = 0; i < count; i++)
        {
            starts[i] = (int)Math.Min((long)i * stride, length - tile);
        }

        return starts;
    }

    /// <summary>The length of every tile along an axis: the tile size, or the axis length when shorter.</summary>
    public static int Extent(int length, int tile) => Math.Min(length, tile);

    /// <summary>All tile windows of a <paramref name="width"/> x <paramref name="height"/> raster, row by row.</summary>
    public static IReadOnlyList<PixelWindow> Windows(int width, int height, int tile, int overlap)
    {
        int[] columns = Starts(width, tile, overlap);
        int[] rows = Starts(height, tile, overlap);
        int w = Extent(width, tile);
        int h = Extent(height, tile);
        var windows = new List<PixelWindow>(columns.Length * rows.Length);
        foreach (int row in rows)
        {
            foreach (int column in columns)
            {
                windows.Add(new PixelWindow(column, row, w, h));
            }
        }

        return windows;
    }

    /// <summary>Checks the grid parameters; throws naming the bad value and the rule.</summary>
    public static void Validate(int length, int tile, int overlap)
    {
        if (length < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The raster must be at least one pixel long.");
        }

        if (tile < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(tile), tile, "The tile size must be at least 1 pixel.");
        }

        if (overlap < 0 || overlap >= tile)
        {
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, $"The overlap must be between 0 and the tile size minus one ({tile - 1}).");
        }
    }
}
