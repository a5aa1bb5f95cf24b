using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// The reference preprocessing of GTA5 and Cityscapes images: decode as RGB, resize with
/// bicubic to the network size, swap to BGR, subtract <see cref="MeanBgr"/> (given in B, G, R
/// order and applied after the swap), lay out as float32 C×H×W.
/// </summary>
/// <remarks>
/// Decoding and the bicubic resize use ImageSharp 2.1: like Pillow's <c>Image.resize(BICUBIC)</c>
/// it is a separable convolution with the Keys cubic (a = -0.5) whose support widens when
/// downscaling, so it antialiases as Pillow does. It is not bit-identical to Pillow (Pillow
/// rounds to 8 bits between its horizontal and vertical passes and uses fixed-point weights);
/// see docs/gta5-cityscapes.md.
/// </remarks>
public static class ImagePreprocessing
{
    /// <summary>The reference IMG_MEAN, in B, G, R order.</summary>
    public static IReadOnlyList<float> MeanBgr { get; } = [104.00698793f, 116.66876762f, 122.67891434f];

    /// <summary>Reads the pixel size of an image without decoding it.</summary>
    public static (int Width, int Height) ReadSize(string path)
    {
        RequireFile(path, "Image");
        IImageInfo? info;
        try
        {
            info = Image.Identify(path);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or IOException)
        {
            throw new CityscapesDataException($"Image '{path}' cannot be read: {e.Message}", path);
        }

        return info is null
            ? throw new CityscapesDataException($"Image '{path}' is not an image format ImageSharp reads (PNG, JPEG, BMP, ...).", path)
            : (info.Width, info.Height);
    }

    /// <summary>
    /// Decodes <paramref name="path"/>, resizes it to <paramref name="width"/>×<paramref name="height"/>
    /// (bicubic; no resampling when already that size) and returns BGR minus the mean, C×H×W.
    /// </summary>
    public static float[] LoadBgrMinusMean(string path, int width, int height)
    {
        RequireFile(path, "Image");
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"The image size must be positive, got {width}x{height}.");
        }

        Image<Rgb24> image;
        try
        {
            image = Image.Load<Rgb24>(path);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or IOException)
        {
            throw new CityscapesDataException($"Image '{path}' cannot be decoded: {e.Message}", path);
        }

        using (image)
        {
            if (image.Width != width || image.Height != height)
            {
                image.Mutate(x => x.Resize(width, height, KnownResamplers.Bicubic));
            }

            var rgb = new byte[width * height * 3];
            image.CopyPixelDataTo(rgb);
            var chw = new float[rgb.Length];
            RgbToBgrMinusMean(rgb, chw);
            return chw;
        }
    }

    /// <summary>As <see cref="LoadBgrMinusMean"/>, as a [3, height, width] float32 tensor on the CPU.</summary>
    public static Tensor LoadTensor(string path, int width, int height) =>
        torch.tensor(LoadBgrMinusMean(path, width, height), [3, height, width], ScalarType.Float32);

    /// <summary>
    /// Interleaved RGB bytes (H×W×3) to planar BGR floats (3×H×W) minus <see cref="MeanBgr"/>:
    /// plane 0 is blue − 104.007, plane 1 green − 116.669, plane 2 red − 122.679.
    /// </summary>
    public static void RgbToBgrMinusMean(ReadOnlySpan<byte> rgb, Span<float> chw)
    {
        if (rgb.Length % 3 != 0 || chw.Length != rgb.Length)
        {
            throw new ArgumentException($"Expected 3 bytes a pixel and an output of the same length; got {rgb.Length} bytes and {chw.Length} floats.", nameof(chw));
        }

        int n = rgb.Length / 3;
        float meanB = MeanBgr[0], meanG = MeanBgr[1], meanR = MeanBgr[2];
        Span<float> blue = chw[..n], green = chw.Slice(n, n), red = chw.Slice(2 * n, n);
        for (int i = 0; i < n; i++)
        {
            red[i] = rgb[3 * i] - meanR;
            green[i] = rgb[3 * i + 1] - meanG;
            blue[i] = rgb[3 * i + 2] - meanB;
        }
    }

    /// <summary>
    /// Nearest-neighbour resize of a label with Pillow's <c>NEAREST</c> sampling positions: output
    /// pixel x takes source column floor(p_x), where p_0 = s/2 and p_(x+1) = p_x + s, s = srcWidth / dstWidth,
    /// summed in double precision as Pillow's affine transform does (likewise rows). The running sum,
    /// rather than (x + 0.5)·s, reproduces Pillow where a position falls on a whole pixel.
    /// </summary>
    public static byte[] ResizeNearest(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, int width, int height)
    {
        if (source.Length != sourceWidth * sourceHeight)
        {
            throw new ArgumentException($"Expected {sourceWidth}x{sourceHeight} values, got {source.Length}.", nameof(source));
        }

        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"The label size must be positive, got {width}x{height}.");
        }

        int[] columns = NearestPositions(sourceWidth, width);
        int[] rows = NearestPositions(sourceHeight, height);
        var result = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = source.Slice(rows[y] * sourceWidth, sourceWidth);
            Span<byte> target = result.AsSpan(y * width, width);
            for (int x = 0; x < width; x++)
            {
                target[x] = row[columns[x]];
            }
        }

        return result;
    }

    private static int[] NearestPositions(int source, int target)
    {
        double step = (double)source / target;
        double position = step * 0.5;
        var positions = new int[target];
        for (int i = 0; i < target; i++)
        {
            positions[i] = Math.Min(source - 1, (int)position);
            position += step;
        }

        return positions;
    }

    internal static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new CityscapesDataException($"{what} '{path}' does not exist. Check the dataset folder and the image list.", path);
        }
    }
}
