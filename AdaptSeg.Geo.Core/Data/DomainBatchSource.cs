using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Data;

/// <summary>
/// Training batches from a prepared dataset: random tiles of the source (image + labels) and of
/// the target (image only; with its training labels, the pseudo-labels, when
/// <see cref="DomainBatchOptions.IncludeTargetLabels"/> is set), normalised by band statistics (per domain, or the source's for both),
/// with optional flips and 90-degree rotations. Every draw is seeded by (seed, iteration, batch,
/// item, domain), so an iteration's data do not depend on what was loaded before it: resumed runs
/// and background threads see exactly the same batches. With <see cref="DomainBatchOptions.FdaBeta"/>
/// each source tile is restyled with its partner target tile's low-frequency amplitude (FDA) on raw
/// band values, then normalised with the target's statistics, since it now carries the target's level.
/// </summary>
public sealed class DomainBatchSource : IBatchSource
{
    private const int MaxAttempts = 50;
    private readonly PreparedDataset dataset;
    private readonly DomainBatchOptions options;
    private readonly BandStatistics sourceStatistics;
    private readonly BandStatistics targetStatistics;

    public DomainBatchSource(PreparedDataset dataset, DomainBatchOptions options)
    {
        this.dataset = dataset;
        this.options = options;
        if (dataset.Source.Scenes.Count == 0 || dataset.Target.Scenes.Count == 0)
        {
            throw new PreparedDatasetException($"'{dataset.Folder}' needs at least one source and one target scene.", dataset.Folder);
        }

        if (dataset.Source.Scenes.Any(s => s.LabelPath is null))
        {
            throw new PreparedDatasetException($"Every source scene in '{dataset.Folder}' needs labels for training.", dataset.Folder);
        }

        if (options.IncludeTargetLabels && dataset.Target.Scenes.FirstOrDefault(s => s.TrainingLabelPath is null) is { } unlabelled)
        {
            throw new PreparedDatasetException(
                $"Self-training needs training labels on every target scene, but '{unlabelled.Name}' in '{dataset.Folder}' has none. " +
                "Write pseudo-labels with 'adaptseg pseudo-label', add them to the target scene as \"trainingLabels\" in the prepare config and run 'adaptseg prepare' again.",
                dataset.Folder);
        }

        sourceStatistics = dataset.Source.Statistics;
        targetStatistics = options.SharedNormalisation ? dataset.Source.Statistics : dataset.Target.Statistics;
    }

    /// <inheritdoc />
    public IReadOnlyList<BatchData> Load(int iteration)
    {
        var result = new BatchData[options.IterSize];
        int tile = options.TileSize, bands = dataset.BandCount, plane = tile * tile;
        for (int k = 0; k < options.IterSize; k++)
        {
            var source = new float[options.BatchSize * bands * plane];
            var labels = new byte[options.BatchSize * plane];
            var target = new float[options.BatchSize * bands * plane];
            byte[]? targetLabels = options.IncludeTargetLabels ? new byte[options.BatchSize * plane] : null;
            for (int b = 0; b < options.BatchSize; b++)
            {
                int seed = Seed(iteration, k, b);
                // FDA: the target tile is drawn first; its raw values restyle the source tile (each draw has its own seed, so the order changes nothing else).
                float[]? style = options.FdaBeta is null ? null : new float[bands * plane];
                Draw(dataset.Target, targetStatistics, seed ^ 0x5bd1e995, target.AsSpan(b * bands * plane, bands * plane),
                    targetLabels is null ? null : targetLabels.AsSpan(b * plane, plane), trainingLabels: targetLabels is not null, rawOut: style);
                Draw(dataset.Source, sourceStatistics, seed, source.AsSpan(b * bands * plane, bands * plane), labels.AsSpan(b * plane, plane), style: style);
            }

            result[k] = new BatchData(options.BatchSize, bands, tile, tile, source, labels, tile, tile, target, targetLabels);
        }

        return result;
    }

    private int Seed(int iteration, int accumulation, int item) =>
        DeterministicSeed.Derive(options.Seed, iteration, accumulation, item);

    /// <param name="trainingLabels">
    /// Read the scene's training labels (target pseudo-labels) instead of its labels; they do not
    /// count towards a window's valid fraction, so the target windows are those drawn without them.
    /// </param>
    /// <param name="rawOut">Receives the tile's raw band values (nodata filled with the domain's band mean), before augmentation: FDA's style.</param>
    /// <param name="style">FDA: a target tile's raw values; the source tile takes their low-frequency amplitude and is then normalised with the target's statistics.</param>
    private void Draw(PreparedDomain domain, BandStatistics statistics, int seed, Span<float> image, Span<byte> labels, bool trainingLabels = false,
        float[]? rawOut = null, float[]? style = null)
    {
        var random = new Random(seed);
        PreparedScene scene = PickScene(domain.Scenes, random);
        using var reader = SceneReader.Open(trainingLabels ? scene with { LabelPath = scene.TrainingLabelPath } : scene);
        int tile = options.TileSize, bands = dataset.BandCount;
        bool wantLabels = labels.Length > 0;

        float[]? bestImage = null;
        bool[]? bestValid = null;
        byte[]? bestLabels = null;
        PixelWindow bestWindow = default;
        double bestFraction = -1;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var sampler = new RandomTileSampler(reader.Width, reader.Height, tile, options.MinValidFraction, random.Next());
            PixelWindow window = sampler.NextWindow();
            var (pixels, valid) = reader.ReadImage(window);
            byte[]? windowLabels = wantLabels ? reader.ReadLabels(window) : null;
            int usable = 0;
            for (int i = 0; i < valid.Length; i++)
            {
                if (valid[i] && (windowLabels is null || trainingLabels || windowLabels[i] != 255))
                {
                    usable++;
                }
            }

            double fraction = (double)usable / (tile * tile);
            if (fraction > bestFraction)
            {
                (bestImage, bestValid, bestLabels, bestWindow, bestFraction) = (pixels, valid, windowLabels, window, fraction);
            }

            if (fraction >= options.MinValidFraction)
            {
                break;
            }
        }

        // Copy into the tile (windows clipped to small rasters are padded as invalid), normalised.
        var tileImage = new float[bands * tile * tile];
        var tileLabels = new byte[tile * tile];
        Array.Fill(tileLabels, (byte)255);
        int w = bestWindow.Width, h = bestWindow.Height;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int from = y * w + x, to = y * tile + x;
                bool ok = bestValid![from];
                for (int c = 0; c < bands; c++)
                {
                    tileImage[c * tile * tile + to] = ok ? (float)((bestImage![c * w * h + from] - statistics.Mean[c]) / Math.Max(statistics.Std[c], 1e-6)) : 0f;
                }

                tileLabels[to] = ok && bestLabels is not null ? bestLabels[from] : (byte)255;
            }
        }

        if (rawOut is not null || style is not null)
        {
            // FDA works on raw band values: nodata filled with the band mean first, as predict does.
            var raw = new float[bands * tile * tile];
            for (int c = 0; c < bands; c++)
            {
                raw.AsSpan(c * tile * tile, tile * tile).Fill((float)domain.Statistics.Mean[c]);
            }

            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    if (bestValid![y * w + x])
                    {
                        for (int c = 0; c < bands; c++)
                        {
                            raw[c * tile * tile + y * tile + x] = bestImage![c * w * h + y * w + x];
                        }
                    }
                }
            }

            if (rawOut is not null)
            {
                raw.CopyTo(rawOut, 0);
            }

            if (style is not null)
            {
                FourierDomainAdaptation.Restyle(raw, style, bands, tile, tile, options.FdaBeta!.Value);
                for (int i = 0; i < raw.Length; i++)
                {
                    int c = i / (tile * tile);
                    tileImage[i] = (float)((raw[i] - targetStatistics.Mean[c]) / Math.Max(targetStatistics.Std[c], 1e-6));
                }
            }
        }

        int rotations = options.Rotations ? random.Next(4) : 0;
        bool flip = options.Flips && random.Next(2) == 1;
        Augment(tileImage, tileLabels, bands, tile, rotations, flip, image, labels);
    }

    /// <summary>Rotates by 90° <paramref name="rotations"/> times and optionally mirrors, identically for image and labels.</summary>
    public static void Augment(float[] image, byte[] labels, int bands, int tile, int rotations, bool flip, Span<float> imageOut, Span<byte> labelsOut)
    {
        int plane = tile * tile;
        for (int y = 0; y < tile; y++)
        {
            for (int x = 0; x < tile; x++)
            {
                // Source coordinates of output pixel (x, y): undo the flip, then the rotation.
                int sx = flip ? tile - 1 - x : x, sy = y;
                for (int r = 0; r < rotations; r++)
                {
                    (sx, sy) = (sy, tile - 1 - sx);
                }

                int to = y * tile + x, from = sy * tile + sx;
                for (int c = 0; c < bands; c++)
                {
                    imageOut[c * plane + to] = image[c * plane + from];
                }

                if (labelsOut.Length > 0)
                {
                    labelsOut[to] = labels[from];
                }
            }
        }
    }

    private static PreparedScene PickScene(IReadOnlyList<PreparedScene> scenes, Random random)
    {
        if (scenes.Count == 1)
        {
            return scenes[0];
        }

        long total = scenes.Sum(s => (long)s.Width * s.Height);
        long pick = random.NextInt64(total);
        foreach (PreparedScene scene in scenes)
        {
            pick -= (long)scene.Width * scene.Height;
            if (pick < 0)
            {
                return scene;
            }
        }

        return scenes[^1];
    }
}
