using AdaptSeg.Geo.Data;
using TorchSharp;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// Training batches for GTA5 -> Cityscapes: GTA5 images and labels preprocessed as the reference
/// (1280x720, BGR minus the mean, trainIds), Cityscapes train images (1024x512). Each draw is
/// seeded by (seed, iteration, batch, item), so resumed runs see the same images. The reference
/// walks shuffled lists epoch by epoch; drawing with replacement is the one difference.
/// </summary>
public sealed class Gta5CityscapesBatchSource(Gta5Dataset source, CityscapesDataset target, int batchSize, int iterSize, int seed,
    int targetWidth = CityscapesDataset.DefaultWidth, int targetHeight = CityscapesDataset.DefaultHeight, bool mirror = false) : IBatchSource
{
    /// <inheritdoc />
    public IReadOnlyList<BatchData> Load(int iteration)
    {
        var result = new BatchData[iterSize];
        int sw = source.Width, sh = source.Height;
        for (int k = 0; k < iterSize; k++)
        {
            var sourceImages = new float[batchSize * 3 * sw * sh];
            var labels = new byte[batchSize * sw * sh];
            var targetImages = new float[batchSize * 3 * targetWidth * targetHeight];
            for (int b = 0; b < batchSize; b++)
            {
                var random = new Random(DeterministicSeed.Derive(seed, iteration, k, b));
                using (SegmentationSample sample = source.Load(random.Next(source.Count)))
                using (torch.Tensor bytes = sample.Label.to(torch.ScalarType.Byte))
                {
                    sample.Image.data<float>().CopyTo(sourceImages.AsSpan(b * 3 * sw * sh, 3 * sw * sh));
                    bytes.data<byte>().CopyTo(labels.AsSpan(b * sw * sh, sw * sh));
                }

                target.LoadImage(random.Next(target.Count), targetWidth, targetHeight).CopyTo(targetImages.AsSpan(b * 3 * targetWidth * targetHeight));
                if (mirror && random.Next(2) == 1)
                {
                    Mirror(sourceImages.AsSpan(b * 3 * sw * sh, 3 * sw * sh), 3, sh, sw);
                    Mirror(labels.AsSpan(b * sw * sh, sw * sh), 1, sh, sw);
                    Mirror(targetImages.AsSpan(b * 3 * targetWidth * targetHeight, 3 * targetWidth * targetHeight), 3, targetHeight, targetWidth);
                }
            }

            result[k] = new BatchData(batchSize, 3, sh, sw, sourceImages, labels, targetHeight, targetWidth, targetImages);
        }

        return result;
    }

    private static void Mirror<T>(Span<T> planes, int channels, int height, int width)
    {
        for (int row = 0; row < channels * height; row++)
        {
            planes.Slice(row * width, width).Reverse();
        }
    }
}
