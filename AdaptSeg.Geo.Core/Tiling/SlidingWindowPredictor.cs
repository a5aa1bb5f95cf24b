using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Tiling;

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

    private readonly GdalDataset input;
    private readonly IReadOnlyList<int> bands;
    private readonly ITilePredictor predictor;
    private readonly StitchOptions options;

    /// <summary>Prepares a prediction of <paramref name="bands"/> (1-based) of <paramref name="input"/>.</summary>
    public SlidingWindowPredictor(GdalDataset input, IReadOnlyList<int> bands, ITilePredictor predictor, StitchOptions options)
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
    }

    /// <summary>Raster width.</summary>
    public int Width { get; }

    /// <summary>Raster height.</summary>
    public int Height { get; }

    /// <summary>Tile columns' starts.</summary>
    public IReadOnlyList<int> ColumnStarts { get; }

    /// <summary>Tile rows' starts.</summary>
    public IReadOnlyList<int> RowStarts { get; }

    /// <summary>Number of tiles.</summary>
    public int TileCount => ColumnStarts.Count * RowStarts.Count;

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
            return ring * ((predictor.ClassCount + 1) * 4 + 2) + BatchesInFlight * batch + options.BatchSize * tile * predictor.ClassCount * 4;
        }
    }

    /// <summary>Runs the prediction, writing every row to <paramref name="sink"/> once, top to bottom.</summary>
    public void Run(IPredictionSink sink, IProgress<StitchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        int size = options.TileSize;
        int tw = TileGrid.Extent(Width, size);
        int th = TileGrid.Extent(Height, size);
        int classes = predictor.ClassCount;
        int plane = size * size;
        var ring = new Accumulator(Width, th, classes);

        float[][] wx = [.. ColumnStarts.Select(x => BlendWindow.Weights(options.Blend, tw, options.Overlap, x == 0, x + tw == Width))];
        float[][] wy = [.. RowStarts.Select(y => BlendWindow.Weights(options.Blend, th, options.Overlap, y == 0, y + th == Height))];

        using var free = new BlockingCollection<TileBatch>(BatchesInFlight);
        using var full = new BlockingCollection<TileBatch>(BatchesInFlight);
        for (int i = 0; i < BatchesInFlight; i++)
        {
            free.Add(new TileBatch(options.BatchSize, bands.Count, plane));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // A dedicated thread: it blocks on the bounded queues, which must not starve the thread pool.
        // It always starts (token None), so it always completes the queue it fills.
        Task reader = Task.Factory.StartNew(() => ReadTiles(free, full, tw, th, stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var probabilities = new float[options.BatchSize * classes * plane];
        var rowWeights = new float[tw];
        int done = 0;
        int currentRow = 0;
        int flushedTo = 0;
        try
        {
            foreach (TileBatch batch in full.GetConsumingEnumerable(stop.Token))
            {
                int predicted = batch.Compact();
                if (predicted > 0)
                {
                    predictor.Predict(batch.Input.AsSpan(0, predicted * bands.Count * plane), predicted, size, size, probabilities.AsSpan(0, predicted * classes * plane));
                }

                for (int k = 0, slot = 0; k < batch.Count; k++)
                {
                    (int row, int column) = (batch.RowIndex[k], batch.ColumnIndex[k]);
                    if (row != currentRow)
                    {
                        // Rows above this tile row's start are final: no later tile reaches them.
                        flushedTo = Flush(ring, sink, flushedTo, RowStarts[row]);
                        currentRow = row;
                    }

                    var window = new PixelWindow(ColumnStarts[column], RowStarts[row], tw, th);
                    ring.MarkValid(window, batch.Valid.AsSpan(k * plane, plane), size);
                    if (batch.ValidCount[k] > 0)
                    {
                        ring.Add(window, probabilities.AsSpan(slot * classes * plane, classes * plane), size, wx[column], wy[row], rowWeights);
                        slot++;
                    }
                }

                done += batch.Count;
                free.Add(batch, stop.Token);
                progress?.Report(new StitchProgress(done, TileCount, flushedTo, Height));
            }

            reader.GetAwaiter().GetResult();
            flushedTo = Flush(ring, sink, flushedTo, Height);
            progress?.Report(new StitchProgress(done, TileCount, flushedTo, Height));
        }
        catch
        {
            stop.Cancel();
            try
            {
                reader.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // The reader's own failure (or its cancellation) is secondary to the one being thrown.
            }

            if (reader.IsFaulted && reader.Exception!.InnerException is { } readerError && !cancellationToken.IsCancellationRequested)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(readerError).Throw();
            }

            throw;
        }
    }

    private void ReadTiles(BlockingCollection<TileBatch> free, BlockingCollection<TileBatch> full, int tw, int th, CancellationToken token)
    {
        try
        {
            var tiles = new TileReader(input, bands);
            int size = options.TileSize;
            int plane = size * size;
            TileBatch? batch = null;
            for (int r = 0; r < RowStarts.Count; r++)
            {
                for (int c = 0; c < ColumnStarts.Count; c++)
                {
                    token.ThrowIfCancellationRequested();
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

    private static int Flush(Accumulator ring, IPredictionSink sink, int from, int to)
    {
        while (from < to)
        {
            // Hand over runs of rows that are contiguous in the ring.
            int count = Math.Min(to - from, ring.Height - from % ring.Height);
            ring.Finish(from, count, out ReadOnlySpan<byte> classes, out ReadOnlySpan<float> probabilities);
            sink.WriteRows(from, count, classes, probabilities);
            ring.Clear(from, count);
            from += count;
        }

        return from;
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
