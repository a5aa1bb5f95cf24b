using AdaptSeg.Geo.Data;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// Training batches for LoveDA domain adaptation, as the official UDA code (<c>data/loveda.py</c> and
/// <c>configs/ToURBAN.py</c>/<c>ToRURAL.py</c>) makes them: source images with masks and target images
/// (masks never read), each a random square crop (albumentations' <c>RandomCrop</c>), then with probability
/// 0.75 one of horizontal flip, vertical flip or a rotation by a random multiple of 90 degrees
/// (<c>OneOf([HorizontalFlip, VerticalFlip, RandomRotate90], p=0.75)</c>), normalised with ImageNet's mean
/// and std on 0..255 values.
/// </summary>
/// <remarks>
/// Images are taken as the reference's loaders take them: each domain walks its images in a fresh random
/// order per epoch, <c>drop_last</c> (the last incomplete batch of an epoch is not used). The order of
/// epoch e is a shuffle seeded by (seed, domain, e), and the crop and augmentation of each image by
/// (seed, iteration, batch, item, domain), so <see cref="Load"/> depends only on the iteration: a resumed
/// run sees the same images, and loader threads may run ahead.
/// </remarks>
public sealed class LoveDaBatchSource : IBatchSource
{
    /// <summary>Probability that one of the three augmentations is applied (the reference: 0.75).</summary>
    public const double AugmentationProbability = 0.75;

    private readonly LoveDaDataset source;
    private readonly LoveDaDataset target;
    private readonly int batchSize;
    private readonly int iterSize;
    private readonly int seed;
    private readonly int cropSize;
    private readonly bool flips;
    private readonly bool rotations;

    /// <param name="source">The labelled domain (masks required).</param>
    /// <param name="target">The unlabelled domain (masks never read).</param>
    /// <param name="batchSize">Images per domain and batch (the reference: 8).</param>
    /// <param name="iterSize">Batches per iteration (gradient accumulation).</param>
    /// <param name="seed">Seed of the image order, crops and augmentation.</param>
    /// <param name="cropSize">Side of the square crops (the reference: 512).</param>
    /// <param name="flips">Horizontal and vertical flips among the augmentations.</param>
    /// <param name="rotations">Rotations by multiples of 90 degrees among the augmentations.</param>
    public LoveDaBatchSource(LoveDaDataset source, LoveDaDataset target, int batchSize, int iterSize, int seed, int cropSize = 512,
        bool flips = true, bool rotations = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cropSize, 1);
        if (!source.HasMasks)
        {
            throw new LoveDaDataException($"The source '{source.Folder}' has no masks_png/; the source domain is the labelled one.", source.Folder);
        }

        foreach (LoveDaDataset domain in (LoveDaDataset[])[source, target])
        {
            if (domain.Count < batchSize)
            {
                throw new LoveDaDataException(
                    $"'{domain.Folder}' holds {domain.Count} image(s), fewer than one batch of {batchSize}; lower training.batchSize or use a fuller split.", domain.Folder);
            }
        }

        this.source = source;
        this.target = target;
        this.batchSize = batchSize;
        this.iterSize = iterSize;
        this.seed = seed;
        this.cropSize = cropSize;
        this.flips = flips;
        this.rotations = rotations;
    }

    /// <inheritdoc />
    public IReadOnlyList<BatchData> Load(int iteration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iteration);
        int c = cropSize;
        var result = new BatchData[iterSize];
        for (int k = 0; k < iterSize; k++)
        {
            long batchNumber = ((long)iteration * iterSize) + k;
            var sourceImages = new float[batchSize * 3 * c * c];
            var labels = new byte[batchSize * c * c];
            var targetImages = new float[batchSize * 3 * c * c];
            for (int b = 0; b < batchSize; b++)
            {
                int sourceIndex = ImageIndex(source.Count, batchNumber, b, stream: 0);
                var sourceRandom = new Random(DeterministicSeed.Derive(seed, iteration, k, b, 0));
                var (rgb, width, height) = source.LoadRgb(sourceIndex);
                byte[] mask = source.LoadLabels(sourceIndex, width, height);
                var (y, x) = CropOrigin(sourceRandom, width, height, source.ImagePath(sourceIndex));
                byte[] rgbCrop = Crop(rgb, width, 3, y, x, c);
                byte[] maskCrop = Crop(mask, width, 1, y, x, c);
                Augment(sourceRandom, rgbCrop, maskCrop, c);
                LoveDaDataset.Normalise(rgbCrop, sourceImages.AsSpan(b * 3 * c * c, 3 * c * c));
                maskCrop.CopyTo(labels.AsSpan(b * c * c, c * c));

                int targetIndex = ImageIndex(target.Count, batchNumber, b, stream: 1);
                var targetRandom = new Random(DeterministicSeed.Derive(seed, iteration, k, b, 1));
                (rgb, width, height) = target.LoadRgb(targetIndex);
                (y, x) = CropOrigin(targetRandom, width, height, target.ImagePath(targetIndex));
                rgbCrop = Crop(rgb, width, 3, y, x, c);
                Augment(targetRandom, rgbCrop, null, c);
                LoveDaDataset.Normalise(rgbCrop, targetImages.AsSpan(b * 3 * c * c, 3 * c * c));
            }

            result[k] = new BatchData(batchSize, 3, c, c, sourceImages, labels, c, c, targetImages);
        }

        return result;
    }

    /// <summary>
    /// The image at item <paramref name="item"/> of batch <paramref name="batchNumber"/>: the loader's
    /// shuffled order of that batch's epoch, with <c>drop_last</c>.
    /// </summary>
    internal int ImageIndex(int count, long batchNumber, int item, int stream)
    {
        int batchesPerEpoch = count / batchSize;
        long epoch = batchNumber / batchesPerEpoch;
        int position = (int)(batchNumber % batchesPerEpoch);
        int[] order = EpochOrder(count, epoch, stream);
        return order[(position * batchSize) + item];
    }

    /// <summary>A Fisher-Yates shuffle of 0..count-1 seeded by (seed, stream, epoch).</summary>
    private int[] EpochOrder(int count, long epoch, int stream)
    {
        var random = new Random(DeterministicSeed.Derive(seed, stream, (int)(epoch & 0x7fffffff), (int)(epoch >> 31), 7919));
        int[] order = Enumerable.Range(0, count).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private (int Y, int X) CropOrigin(Random random, int width, int height, string path)
    {
        if (width < cropSize || height < cropSize)
        {
            throw new LoveDaDataException($"Image '{path}' is {width}x{height}, smaller than the {cropSize}-px crops; lower data.loveda.cropSize.", path);
        }

        // albumentations' RandomCrop: a uniform origin in [0, size - crop] on each axis.
        return (random.Next(height - cropSize + 1), random.Next(width - cropSize + 1));
    }

    private static byte[] Crop(byte[] values, int width, int channels, int y, int x, int size)
    {
        var crop = new byte[size * size * channels];
        for (int row = 0; row < size; row++)
        {
            values.AsSpan((((y + row) * width) + x) * channels, size * channels).CopyTo(crop.AsSpan(row * size * channels));
        }

        return crop;
    }

    /// <summary>With probability 0.75, one of: horizontal flip, vertical flip, rotation by k x 90 degrees (k uniform in 0..3).</summary>
    private void Augment(Random random, byte[] rgb, byte[]? mask, int size)
    {
        var choices = new List<int>(3);
        if (flips)
        {
            choices.Add(0);
            choices.Add(1);
        }

        if (rotations)
        {
            choices.Add(2);
        }

        if (choices.Count == 0 || random.NextDouble() >= AugmentationProbability)
        {
            return;
        }

        int choice = choices[random.Next(choices.Count)];
        int quarterTurns = choice == 2 ? random.Next(4) : 0;
        Transform(rgb, 3, size, choice, quarterTurns);
        if (mask is not null)
        {
            Transform(mask, 1, size, choice, quarterTurns);
        }
    }

    /// <summary>
    /// Flips (0: horizontal, 1: vertical) or rotates counter-clockwise by <paramref name="quarterTurns"/>
    /// quarter turns (numpy's <c>rot90</c>, which albumentations uses) a square size x size x channels array in place.
    /// </summary>
    internal static void Transform(byte[] values, int channels, int size, int choice, int quarterTurns)
    {
        if (choice == 2 && quarterTurns % 4 == 0)
        {
            return;
        }

        var source = (byte[])values.Clone();
        for (int row = 0; row < size; row++)
        {
            for (int col = 0; col < size; col++)
            {
                // Output (row, col) takes input (r, c).
                (int r, int c) = choice switch
                {
                    0 => (row, size - 1 - col),
                    1 => (size - 1 - row, col),
                    _ => (quarterTurns % 4) switch
                    {
                        1 => (col, size - 1 - row),
                        2 => (size - 1 - row, size - 1 - col),
                        _ => (size - 1 - col, row),
                    },
                };
                source.AsSpan(((r * size) + c) * channels, channels).CopyTo(values.AsSpan(((row * size) + col) * channels, channels));
            }
        }
    }
}
