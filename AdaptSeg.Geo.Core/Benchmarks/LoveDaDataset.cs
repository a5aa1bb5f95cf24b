using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Raster;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// One split and domain of LoveDA in its own layout: <c>root/{Train,Val,Test}/{Rural,Urban}/images_png/*.png</c>
/// (RGB, 1024x1024) and, beside them, <c>masks_png/</c> with the same file names (one 8-bit band: 0 no-data,
/// 1..7 the classes of <see cref="LoveDaClasses"/>). Images are listed in ordinal name order.
/// </summary>
public sealed class LoveDaDataset
{
    /// <summary>The largest image side read (LoveDA's are 1024); a larger file is refused before it is decoded.</summary>
    public const int MaxSide = 8192;

    /// <summary>Opens a split and domain; with <paramref name="requireMasks"/> every image must have its mask.</summary>
    /// <exception cref="LoveDaDataException">A folder or mask is missing, or the folder holds no PNG.</exception>
    public LoveDaDataset(string root, LoveDaSplit split, LoveDaDomain domain, bool requireMasks)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
        {
            throw new LoveDaDataException($"LoveDA folder '{root}' does not exist. Give the folder that holds Train/, Val/ and Test/ (docs/loveda.md).", root);
        }

        Root = Path.GetFullPath(root);
        Split = split;
        Domain = domain;
        Folder = Path.Combine(Root, split.ToString(), domain.ToString());
        string images = Path.Combine(Folder, "images_png");
        if (!Directory.Exists(images))
        {
            throw new LoveDaDataException(
                $"LoveDA folder '{Root}' has no '{split}/{domain}/images_png/' ('{images}'). Unzip {split}.zip from the LoveDA download into it.", images);
        }

        Names = Directory.EnumerateFiles(images, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;
        if (Names.Count == 0)
        {
            throw new LoveDaDataException($"'{images}' holds no .png image; LoveDA images are named like 0.png, 1.png, ...", images);
        }

        string masks = Path.Combine(Folder, "masks_png");
        HasMasks = Directory.Exists(masks);
        if (requireMasks)
        {
            if (!HasMasks)
            {
                throw new LoveDaDataException(
                    $"LoveDA folder '{Folder}' has no 'masks_png/' ('{masks}'). Its masks are needed here; the Test masks are hidden (score Test with the public server).", masks);
            }

            string? missing = Names.Select((_, i) => MaskPath(i)).FirstOrDefault(p => !File.Exists(p));
            if (missing is not null)
            {
                throw new LoveDaDataException($"Mask '{missing}' does not exist; every image in images_png needs a mask of the same name in masks_png.", missing);
            }
        }
    }

    /// <summary>The dataset root (holding Train/, Val/, Test/).</summary>
    public string Root { get; }

    public LoveDaSplit Split { get; }

    public LoveDaDomain Domain { get; }

    /// <summary><c>root/Split/Domain</c>.</summary>
    public string Folder { get; }

    /// <summary>Whether the folder has <c>masks_png/</c>.</summary>
    public bool HasMasks { get; }

    /// <summary>Image file names (<c>1366.png</c>, ...), in ordinal order.</summary>
    public IReadOnlyList<string> Names { get; }

    public int Count => Names.Count;

    public string ImagePath(int index) => Path.Combine(Folder, "images_png", Names[index]);

    public string MaskPath(int index) => Path.Combine(Folder, "masks_png", Names[index]);

    /// <summary>The image's R, G, B bytes, interleaved, row-major, and its size.</summary>
    /// <exception cref="LoveDaDataException">The file is missing, not an image, or larger than <see cref="MaxSide"/>.</exception>
    public (byte[] Rgb, int Width, int Height) LoadRgb(int index)
    {
        string path = ImagePath(index);
        if (!File.Exists(path))
        {
            throw new LoveDaDataException($"Image '{path}' does not exist.", path);
        }

        try
        {
            IImageInfo info = Image.Identify(path)
                ?? throw new LoveDaDataException($"Image '{path}' is not an image format ImageSharp reads (LoveDA images are PNG).", path);
            if (info.Width is < 1 or > MaxSide || info.Height is < 1 or > MaxSide)
            {
                throw new LoveDaDataException($"Image '{path}' is {info.Width}x{info.Height}; LoveDA images are 1024x1024 and at most {MaxSide} px a side are read.", path);
            }

            using Image<Rgb24> image = Image.Load<Rgb24>(path);
            var rgb = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(rgb);
            return (rgb, image.Width, image.Height);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or IOException)
        {
            throw new LoveDaDataException($"Image '{path}' cannot be decoded: {e.Message}", path);
        }
    }

    /// <summary>
    /// The image's mask mapped to training labels (0..6, no-data 255), row-major. It must be
    /// <paramref name="width"/> x <paramref name="height"/>, the size of its image.
    /// </summary>
    /// <exception cref="LoveDaDataException">The mask is missing, of another size, not one 8-bit band, or holds a value above 7.</exception>
    public byte[] LoadLabels(int index, int width, int height)
    {
        string path = MaskPath(index);
        if (!File.Exists(path))
        {
            throw new LoveDaDataException($"Mask '{path}' does not exist; every image in images_png needs a mask of the same name in masks_png.", path);
        }

        byte[] values;
        try
        {
            // GDAL returns the stored values (palette indices of a palette PNG); ImageSharp 2.1 would return colours.
            using GdalDataset dataset = GdalDataset.Open(path);
            if (dataset.BandCount != 1 || dataset.GetDataType(1) != RasterDataType.Byte)
            {
                throw new LoveDaDataException($"Mask '{path}' has {dataset.BandCount} band(s) of {dataset.GetDataType(1)}; a LoveDA mask has one 8-bit band.", path);
            }

            if (dataset.Width != width || dataset.Height != height)
            {
                throw new LoveDaDataException($"Mask '{path}' is {dataset.Width}x{dataset.Height} but its image is {width}x{height}; each mask has the size of its image.", path);
            }

            values = new byte[width * height];
            dataset.Read<byte>(1, new PixelWindow(0, 0, width, height), values);
        }
        catch (GdalException e)
        {
            throw new LoveDaDataException($"Mask '{path}' cannot be read: {e.Message}", path);
        }

        LoveDaClasses.MapMask(values, path);
        return values;
    }

    /// <summary>
    /// Interleaved R, G, B bytes (H x W x 3) to planar float32 (3 x H x W), each channel normalised as the
    /// LoveDA code does (albumentations' <c>Normalize</c> in float32: <c>(value - mean) * (1 / std)</c>) with
    /// <see cref="LoveDaClasses.Mean"/> and <see cref="LoveDaClasses.Std"/>.
    /// </summary>
    public static void Normalise(ReadOnlySpan<byte> rgb, Span<float> chw) => Normalise(rgb, chw, LoveDaClasses.Mean, LoveDaClasses.Std);

    /// <summary>As <see cref="Normalise(ReadOnlySpan{byte}, Span{float})"/> with another mean and std per channel (R, G, B).</summary>
    public static void Normalise(ReadOnlySpan<byte> rgb, Span<float> chw, IReadOnlyList<double> means, IReadOnlyList<double> stds)
    {
        if (rgb.Length % 3 != 0 || chw.Length != rgb.Length)
        {
            throw new ArgumentException($"Expected 3 bytes a pixel and an output of the same length; got {rgb.Length} bytes and {chw.Length} floats.", nameof(chw));
        }

        int n = rgb.Length / 3;
        for (int c = 0; c < 3; c++)
        {
            float mean = (float)means[c], reciprocal = 1f / (float)stds[c];
            Span<float> plane = chw.Slice(c * n, n);
            for (int i = 0; i < n; i++)
            {
                plane[i] = (rgb[(3 * i) + c] - mean) * reciprocal;
            }
        }
    }
}
