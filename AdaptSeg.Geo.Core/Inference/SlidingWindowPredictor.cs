using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Streaming sliding-window prediction. Tiles of the <see cref="TileGrid"/> are read (on a reader
/// thread, a few batches ahead), predicted in batches, weighted with a <see cref="BlendWindow"/>
/// and summed into a rolling accumulator one tile high and one raster wide; as soon as no later
/// tile can touch a row, the row is divided by its weight sum, turned into classes (argmax) and
/// handed to the <see cref="IPredictionSink"/>. Memory is therefore
/// <c>tile x width x (classes + 1) x 4</c> bytes for the accumulator plus a few batches of tiles,
/// whatever the raster's height. Pixels where any selected band is nodata become 255.
/// </summary>
public sealed class SlidingWindowPredictor
{
    /// <summary>The class value of pixels with no prediction (invalid input).</summary>
    public const byte NoData = 255;

    private const int BatchesInFlight = 3;

    /// <summary>Probability buffers: one filled by the predictor while the blender reads the other.</summary>
    private const int ProbabilityBuffers = 2;

    private readonly GdalDataset input;
    private readonly IReadOnlyList<int> bands;
    private readonly ITilePredictor predictor;
    private readonly StitchOptions options;

    /// <summary>Prepares a prediction of <paramref name="bands"/> (1-based) of <paramref name="input"/>.</summary>
    public SlidingWindowPredictor(GdalDataset input, IReadOnlyList<int> bands, ITilePredictor predictor, StitchOptions options)
        : this(input, bands, predictor, options, null)
    {
    }

    /// <summary>
    /// Prepares a prediction of one <paramref name="shard"/> (see <see cref="TileShard"/>) of
    /// <paramref name="input"/>: its tiles are predicted and its rows handed to the sink as rows
    /// 0 .. <see cref="TileShard.RowCount"/> - 1. Null predicts the whole raster.
    /// </summary>
    public SlidingWindowPredictor(GdalDataset input, IReadOnlyList<int> bands, ITilePredictor predictor, StitchOptions options, TileShard? shard)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(bands);
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (predictor.BandCount != bands.Count)
        {
            throw new ArgumentException(
                $"The model expects {predictor.BandCount} band(s) but the band list for '{input.Path}' has {bands.Count} ({string.Join(",", bands)}); give a band list of {predictor.BandCount}.",
                nameof(bands));
        }

        if (predictor.ClassCount is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(predictor), predictor.ClassCount, "The model's class count must be 1..255 (255 is nodata in the mask).");
        }

        this.input = input;
        this.bands = bands;
        this.predictor = predictor;
        this.options = options;
        Width = input.Width;
        Height = input.Height;
        ColumnStarts = TileGrid.Starts(Width, options.TileSize, options.Overlap);
        RowStarts = TileGrid.Starts(Height, options.TileSize, options.Overlap);
        Shard = shard ?? TileShard.Whole(Width, Height, options);
        if (shard is not null && shard != TileShard.Plan(Width, Height, options, shard.Index, shard.Count))
        {
            throw new ArgumentException($"Shard {shard} was not planned for this {Width}x{Height} raster with these tile settings; plan it with TileShard.Plan.", nameof(shard));
        }
    }

    /// <summary>The shard predicted (the whole raster unless one was given).</summary>
    public TileShard Shard { get; }

    /// <summary>Raster width.</summary>
    public int Width { get; }

    /// <summary>Raster height.</summary>
    public int Height { get; }

    /// <summary>Tile columns' starts.</summary>
    public IReadOnlyList<int> ColumnStarts { get; }

    /// <summary>Tile rows' starts.</summary>
    public IReadOnlyList<int> RowStarts { get; }

    /// <summary>Number of tiles this prediction runs (the shard's; all tiles when unsharded).</summary>
    public int TileCount => Shard.TileCount;

    /// <summary>
    /// Bytes held by the rolling accumulator and the tile batches: what the prediction needs
    /// beyond the predictor, GDAL's block cache and the sink.
    /// </summary>
    public long WorkingBytes
    {
        get
        {
            long ring = (long)TileGrid.Extent(Height, options.TileSize) * Width;
            long tile = (long)options.TileSize * options.TileSize;
            long batch = options.BatchSize * tile * (bands.Count * 4 + 1);
            return ring * ((predictor.ClassCount + 1) * 4 + 2) + BatchesInFlight * batch + ProbabilityBuffers * options.BatchSize * tile * predictor.ClassCount * 4;
        }
    }

    /// <summary>
    /// Runs the prediction, writing every row of the shard to <paramref name="sink"/> once, top to
    /// bottom. Three stages overlap, joined by bounded queues: a reader thread reads tiles a few
    /// batches ahead, the calling thread runs the predictor, and a blender thread weights the
    /// predicted tiles into the accumulator and hands finished rows to the sink (the first failure
    /// of any stage stops all three and is rethrown).
    /// </summary>
    public void Run(IPredictionSink sink, IProgress<StitchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        int size = options.TileSize;
        int tw = TileGrid.Extent(Width, size);
        int th = TileGrid.Extent(Height, size);
        int classes = predictor.ClassCount;
        int plane = size * size;

        using var free = new BlockingCollection<TileBatch>(BatchesInFlight);
        using var full = new BlockingCollection<TileBatch>(BatchesInFlight);
        using var predicted = new BlockingCollection<TileBatch>(ProbabilityBuffers);
        using var freeProbabilities = new BlockingCollection<float[]>(ProbabilityBuffers);
        for (int i = 0; i < BatchesInFlight; i++)
        {
            free.Add(new TileBatch(options.BatchSize, bands.Count, plane));
        }

        for (int i = 0; i < ProbabilityBuffers; i++)
        {
            freeProbabilities.Add(new float[options.BatchSize * classes * plane]);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var blender = new Blender(this, sink, progress, tw, th);
        // Dedicated threads: they block on the bounded queues, which must not starve the thread pool.
        // They always start (token None), so the reader always completes the queue it fills.
        Task reader = Task.Factory.StartNew(() => ReadTiles(free, full, tw, th, stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Task writer = Task.Factory.StartNew(() => blender.Consume(predicted, free, freeProbabilities, stop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (TileBatch batch in full.GetConsumingEnumerable(stop.Token))
            {
                int count = batch.Compact();
                float[] probabilities = freeProbabilities.Take(stop.Token);
                if (count > 0)
                {
                    predictor.Predict(batch.Input.AsSpan(0, count * bands.Count * plane), count, size, size, probabilities.AsSpan(0, count * classes * plane));
                }

                batch.Probabilities = probabilities;
                predicted.Add(batch, stop.Token);
            }

            reader.GetAwaiter().GetResult();
            predicted.CompleteAdding();
            writer.GetAwaiter().GetResult();
            blender.Finish();
        }
        catch
        {
            stop.Cancel();
            foreach (Task stage in new[] { reader, writer })
            {
                try
                {
                    stage.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                    // A stage's own failure (or its cancellation) is examined below.
                }
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                foreach (Task stage in new[] { reader, writer })
                {
                    if (stage.IsFaulted && stage.Exception!.InnerException is { } error and not OperationCanceledException)
                    {
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
                    }
                }
            }

            throw;
        }
    }

    private int RowOf(int tile) => tile / ColumnStarts.Count;

    private void ReadTiles(BlockingCollection<TileBatch> free, BlockingCollection<TileBatch> full, int tw, int th, CancellationToken token)
    {
        try
        {
            var tiles = new TileReader(input, bands);
            int size = options.TileSize;
            int plane = size * size;
            TileBatch? batch = null;
            for (int t = Shard.FirstTile; t < Shard.EndTile; t++)
            {
                token.ThrowIfCancellationRequested();
                (int r, int c) = Math.DivRem(t, ColumnStarts.Count);
                batch ??= free.Take(token).Reset();
                int k = batch.Count;
                var window = new PixelWindow(ColumnStarts[c], RowStarts[r], tw, th);
                batch.RowIndex[k] = r;
                batch.ColumnIndex[k] = c;
                batch.ValidCount[k] = tiles.Read(window, size, batch.Input.AsSpan(k * bands.Count * plane, bands.Count * plane), batch.Valid.AsSpan(k * plane, plane));
                batch.Count++;
                if (batch.Count == options.BatchSize)
                {
                    full.Add(batch, token);
                    batch = null;
                }
            }

            if (batch is not null)
            {
                full.Add(batch, token);
            }
        }
        finally
        {
            full.CompleteAdding();
        }
    }

    /// <summary>
    /// The third stage: weights predicted tiles into the rolling accumulator and flushes the rows no
    /// later tile can reach, clipped to the shard's rows.
    /// </summary>
    private sealed class Blender(SlidingWindowPredictor owner, IPredictionSink sink, IProgress<StitchProgress>? progress, int tw, int th)
    {
        private readonly Accumulator ring = new(owner.Width, th, owner.predictor.ClassCount);
        private readonly float[][] wx = [.. owner.ColumnStarts.Select(x => BlendWindow.Weights(owner.options.Blend, tw, owner.options.Overlap, x == 0, x + tw == owner.Width))];
        private readonly float[][] wy = [.. owner.RowStarts.Select(y => BlendWindow.Weights(owner.options.Blend, th, owner.options.Overlap, y == 0, y + th == owner.Height))];
        private readonly float[] rowWeights = new float[tw];
        private int done;
        private int currentRow = owner.RowOf(owner.Shard.FirstTile);
        private int flushedTo = owner.RowStarts[owner.RowOf(owner.Shard.FirstTile)];

        public void Consume(BlockingCollection<TileBatch> predicted, BlockingCollection<TileBatch> free, BlockingCollection<float[]> freeProbabilities, CancellationTokenSource stop)
        {
            try
            {
                int size = owner.options.TileSize;
                int plane = size * size;
                int classes = owner.predictor.ClassCount;
                foreach (TileBatch batch in predicted.GetConsumingEnumerable(stop.Token))
                {
                    float[] probabilities = batch.Probabilities!;
                    for (int k = 0, slot = 0; k < batch.Count; k++)
                    {
                        (int row, int column) = (batch.RowIndex[k], batch.ColumnIndex[k]);
                        if (row != currentRow)
                        {
                            // Rows above this tile row's start are final: no later tile reaches them.
                            Flush(owner.RowStarts[row]);
                            currentRow = row;
                        }

                        var window = new PixelWindow(owner.ColumnStarts[column], owner.RowStarts[row], tw, th);
                        ring.MarkValid(window, batch.Valid.AsSpan(k * plane, plane), size);
                        if (batch.ValidCount[k] > 0)
                        {
                            ring.Add(window, probabilities.AsSpan(slot * classes * plane, classes * plane), size, wx[column], wy[row], rowWeights);
                            slot++;
                        }
                    }

                    done += batch.Count;
                    batch.Probabilities = null;
                    freeProbabilities.Add(probabilities, stop.Token);
                    free.Add(batch, stop.Token);
                    Report();
                }
            }
            catch
            {
                stop.Cancel();
                throw;
            }
        }

        /// <summary>Flushes the rows below the last tile; call once every batch is blended.</summary>
        public void Finish()
        {
            Flush(Math.Min(owner.Height, owner.RowStarts[owner.RowOf(owner.Shard.EndTile - 1)] + th));
            Report();
        }

        private void Report()
        {
            TileShard shard = owner.Shard;
            progress?.Report(new StitchProgress(done, shard.TileCount, Math.Clamp(flushedTo - shard.FirstRow, 0, shard.RowCount), shard.RowCount));
        }

        private void Flush(int to)
        {
            int width = owner.Width;
            int classes = owner.predictor.ClassCount;
            TileShard shard = owner.Shard;
            while (flushedTo < to)
            {
                // Hand over runs of rows that are contiguous in the ring, clipped to the shard's rows.
                int from = flushedTo;
                int count = Math.Min(to - from, ring.Height - from % ring.Height);
                ring.Finish(from, count, out ReadOnlySpan<byte> classIndices, out ReadOnlySpan<float> probabilities);
                int lo = Math.Max(from, shard.FirstRow);
                int hi = Math.Min(from + count, shard.EndRow);
                if (lo < hi)
                {
                    sink.WriteRows(lo - shard.FirstRow, hi - lo, classIndices.Slice((lo - from) * width, (hi - lo) * width),
                        probabilities.Slice((lo - from) * classes * width, (hi - lo) * classes * width));
                }

                ring.Clear(from, count);
                flushedTo = from + count;
            }
        }
    }

    /// <summary>A batch of tiles read ahead: inputs, validity, grid indices.</summary>
    private sealed class TileBatch(int capacity, int bandCount, int plane)
    {
        public float[] Input { get; } = new float[capacity * bandCount * plane];

        public byte[] Valid { get; } = new byte[capacity * plane];

        public int[] RowIndex { get; } = new int[capacity];

        public int[] ColumnIndex { get; } = new int[capacity];

        public int[] ValidCount { get; } = new int[capacity];

        public int Count { get; set; }

        /// <summary>The predictor's output for this batch, while it travels to the blender.</summary>
        public float[]? Probabilities { get; set; }

        public TileBatch Reset()
        {
            Count = 0;
            return this;
        }

        /// <summary>Moves the inputs of tiles with valid pixels to the front; returns how many there are.</summary>
        public int Compact()
        {
            int n = 0;
            int size = bandCount * plane;
            for (int k = 0; k < Count; k++)
            {
                if (ValidCount[k] > 0)
                {
                    if (n != k)
                    {
                        Input.AsSpan(k * size, size).CopyTo(Input.AsSpan(n * size, size));
                    }

                    n++;
                }
            }

            return n;
        }
    }

    /// <summary>The rolling accumulator: rows y live at ring row y mod height.</summary>
    private sealed class Accumulator(int width, int height, int classes)
    {
        private readonly float[] sums = new float[CheckedLength((long)height * classes * width, width, height, classes)];
        private readonly float[] weights = new float[height * width];
        private readonly byte[] valid = new byte[height * width];
        private readonly byte[] labels = new byte[height * width];
        private readonly float[] best = new float[width];

        public int Height { get; } = height;

        public void MarkValid(PixelWindow window, ReadOnlySpan<byte> tileValid, int size)
        {
            for (int j = 0; j < window.Height; j++)
            {
                int r = (window.Row + j) % Height;
                Span<byte> dst = valid.AsSpan(r * width + window.Column, window.Width);
                ReadOnlySpan<byte> src = tileValid.Slice(j * size, window.Width);
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] |= src[i];
                }
            }
        }

        public void Add(PixelWindow window, ReadOnlySpan<float> tileProbabilities, int size, float[] wx, float[] wy, float[] rowWeights)
        {
            int plane = size * size;
            for (int j = 0; j < window.Height; j++)
            {
                int r = (window.Row + j) % Height;
                float wj = wy[j];
                for (int i = 0; i < window.Width; i++)
                {
                    rowWeights[i] = wx[i] * wj;
                }

                MultiplyAdd(rowWeights.AsSpan(0, window.Width), rowWeights.AsSpan(0, window.Width), weights.AsSpan(r * width + window.Column, window.Width), ones: true);
                for (int c = 0; c < classes; c++)
                {
                    MultiplyAdd(tileProbabilities.Slice(c * plane + j * size, window.Width), rowWeights.AsSpan(0, window.Width),
                        sums.AsSpan((r * classes + c) * width + window.Column, window.Width), ones: false);
                }
            }
        }

        /// <summary>Normalises rows [first, first+count) in place and takes their argmax (first class wins ties).</summary>
        public void Finish(int first, int count, out ReadOnlySpan<byte> classIndices, out ReadOnlySpan<float> probabilities)
        {
            int r0 = first % Height;
            for (int r = r0; r < r0 + count; r++)
            {
                // Row-wise and class-major, so every pass runs over contiguous memory.
                Span<float> inverse = weights.AsSpan(r * width, width);
                Reciprocal(inverse);
                Span<byte> label = labels.AsSpan(r * width, width);
                label.Clear();
                for (int c = 0; c < classes; c++)
                {
                    Span<float> row = sums.AsSpan((r * classes + c) * width, width);
                    Multiply(row, inverse);
                    if (c == 0)
                    {
                        row.CopyTo(best);
                        continue;
                    }

                    for (int x = 0; x < width; x++)
                    {
                        if (row[x] > best[x])
                        {
                            best[x] = row[x];
                            label[x] = (byte)c;
                        }
                    }
                }

                ReadOnlySpan<byte> ok = valid.AsSpan(r * width, width);
                for (int x = 0; x < width; x++)
                {
                    if (ok[x] == 0)
                    {
                        label[x] = NoData;
                    }
                }
            }

            classIndices = labels.AsSpan(r0 * width, count * width);
            probabilities = sums.AsSpan(r0 * classes * width, count * classes * width);
        }

        public void Clear(int first, int count)
        {
            int r0 = first % Height;
            sums.AsSpan(r0 * classes * width, count * classes * width).Clear();
            weights.AsSpan(r0 * width, count * width).Clear();
            valid.AsSpan(r0 * width, count * width).Clear();
        }

        private static int CheckedLength(long length, int width, int height, int classes) => length <= Array.MaxLength
            ? (int)length
            : throw new InsufficientMemoryException($"A {width}-pixel-wide accumulator of {height} rows and {classes} classes exceeds .NET's array limit; use a smaller tile size.");

        /// <summary><c>w = 1 / w</c> where w &gt; 0 (0 stays 0: a pixel no tile predicted is nodata anyway).</summary>
        private static void Reciprocal(Span<float> w)
        {
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = w[i] > 0 ? 1f / w[i] : 0f;
            }
        }

        /// <summary><c>dst *= factor</c>, vectorised.</summary>
        private static void Multiply(Span<float> dst, ReadOnlySpan<float> factor)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                Span<Vector<float>> vd = MemoryMarshal.Cast<float, Vector<float>>(dst);
                ReadOnlySpan<Vector<float>> vf = MemoryMarshal.Cast<float, Vector<float>>(factor);
                for (int k = 0; k < vd.Length; k++)
                {
                    vd[k] *= vf[k];
                }

                i = vd.Length * Vector<float>.Count;
            }

            for (; i < dst.Length; i++)
            {
                dst[i] *= factor[i];
            }
        }

        /// <summary><c>dst += a * b</c> (or <c>dst += b</c> when <paramref name="ones"/>), vectorised.</summary>
        private static void MultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, bool ones)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                ReadOnlySpan<Vector<float>> va = MemoryMarshal.Cast<float, Vector<float>>(a);
                ReadOnlySpan<Vector<float>> vb = MemoryMarshal.Cast<float, Vector<float>>(b);
                Span<Vector<float>> vd = MemoryMarshal.Cast<float, Vector<float>>(dst);
                int n = Math.Min(Math.Min(va.Length, vb.Length), vd.Length);
                for (int k = 0; k < n; k++)
                {
                    vd[k] += ones ? vb[k] : va[k] * vb[k];
                }

                i = n * Vector<float>.Count;
            }

            for (; i < dst.Length; i++)
            {
                dst[i] += ones ? b[i] : a[i] * b[i];
            }
        }
    }
}
