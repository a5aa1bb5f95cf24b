using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// One shard of a sliding-window prediction: shard <see cref="Index"/> of <see cref="Count"/> owns
/// the raster rows <see cref="FirstRow"/> .. <see cref="EndRow"/> - 1 (full width) and predicts the
/// tiles <see cref="FirstTile"/> .. <see cref="EndTile"/> - 1 of the global row-major tile sequence.
/// <para>
/// The tile rows are split into <see cref="Count"/> groups of (nearly) equal size; shard k owns the
/// pixel rows from the start of its first tile row to the start of the next group's first tile row
/// (the first shard from row 0, the last to the raster's bottom). It predicts every tile that
/// touches those rows: its own tile rows plus the tile rows above that overlap them (the halo, at
/// least the blend overlap high). The tile range is then widened to whole batches of the global run,
/// so each shard feeds the network exactly the batches a single process would and the owned rows
/// are summed from the same tiles in the same order: the mask equals the single-process mask pixel
/// for pixel and the probabilities bit for bit. Tiles predicted only to complete a batch touch no
/// owned row.
/// </para>
/// </summary>
/// <param name="Index">The shard, 0-based.</param>
/// <param name="Count">The number of shards.</param>
/// <param name="FirstRow">First raster row this shard writes.</param>
/// <param name="EndRow">One past the last raster row this shard writes.</param>
/// <param name="FirstTile">First tile (row-major index in the global grid) this shard predicts.</param>
/// <param name="EndTile">One past the last tile this shard predicts.</param>
public sealed record TileShard(int Index, int Count, int FirstRow, int EndRow, int FirstTile, int EndTile)
{
    /// <summary>Rows this shard writes.</summary>
    public int RowCount => EndRow - FirstRow;

    /// <summary>Tiles this shard predicts.</summary>
    public int TileCount => EndTile - FirstTile;

    /// <summary>The whole raster as one shard (what an unsharded run predicts and writes).</summary>
    public static TileShard Whole(int width, int height, StitchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int tiles = TileGrid.Starts(width, options.TileSize, options.Overlap).Length * TileGrid.Starts(height, options.TileSize, options.Overlap).Length;
        return new TileShard(0, 1, 0, height, 0, tiles);
    }

    /// <summary>
    /// Shard <paramref name="index"/> of <paramref name="count"/> of a <paramref name="width"/> x
    /// <paramref name="height"/> raster tiled with <paramref name="options"/> (see the type's remarks).
    /// </summary>
    public static TileShard Plan(int width, int height, StitchOptions options, int index, int count)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int[] columns = TileGrid.Starts(width, options.TileSize, options.Overlap);
        int[] rows = TileGrid.Starts(height, options.TileSize, options.Overlap);
        if (count < 1 || index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"{index}/{count}",
                "A shard is K/N with N at least 1 and K from 0 to N-1 (for example 0/4 .. 3/4).");
        }

        if (count > rows.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"A {width}x{height} raster has {rows.Length} tile row(s) with tile size {options.TileSize} and overlap {options.Overlap}; " +
                $"split it into at most {rows.Length} shards (or use a smaller tile size).");
        }

        int th = TileGrid.Extent(height, options.TileSize);
        int groupStart = (int)((long)index * rows.Length / count);
        int groupEnd = (int)((long)(index + 1) * rows.Length / count);
        int firstRow = groupStart == 0 ? 0 : rows[groupStart];
        int endRow = groupEnd == rows.Length ? height : rows[groupEnd];

        // Every tile row that touches [firstRow, endRow): starts above endRow and ends below firstRow.
        int firstTileRow = Array.FindIndex(rows, y => y + th > firstRow);
        int lastTileRow = Array.FindLastIndex(rows, y => y < endRow);
        int batch = options.BatchSize;
        long total = (long)rows.Length * columns.Length;
        long firstTile = (long)firstTileRow * columns.Length / batch * batch;
        long endTile = Math.Min(((long)(lastTileRow + 1) * columns.Length + batch - 1) / batch * batch, total);
        return new TileShard(index, count, firstRow, endRow, checked((int)firstTile), checked((int)endTile));
    }
}
