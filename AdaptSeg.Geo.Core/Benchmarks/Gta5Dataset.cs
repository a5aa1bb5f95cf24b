using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// The GTA5 dataset (Richter et al. 2016) in its original layout: <c>images/NNNNN.png</c> and
/// <c>labels/NNNNN.png</c> (label ids). Samples are resized to the reference 1280×720 by default:
/// bicubic for the image, nearest for the label, then BGR minus the mean, label ids to trainIds.
/// </summary>
public sealed class Gta5Dataset
{
    /// <summary>The reference source input size (width).</summary>
    public const int DefaultWidth = 1280;

    /// <summary>The reference source input size (height).</summary>
    public const int DefaultHeight = 720;

    /// <summary>
    /// Opens a GTA5 folder. <paramref name="names"/> are names relative to <c>images/</c> (the
    /// reference <c>gta5_list/train.txt</c>, read with <see cref="ImageList.Read"/>); null scans <c>images/</c>.
    /// Checks that every listed image and label exists.
    /// </summary>
    public Gta5Dataset(string root, IReadOnlyList<string>? names = null, int width = DefaultWidth, int height = DefaultHeight)
    {
        if (!Directory.Exists(root))
        {
            throw new CityscapesDataException($"GTA5 folder '{root}' does not exist. Give the folder that holds 'images/' and 'labels/'.", root);
        }

        foreach (string sub in new[] { "images", "labels" })
        {
            string folder = Path.Combine(root, sub);
            if (!Directory.Exists(folder))
            {
                throw new CityscapesDataException($"GTA5 folder '{root}' has no '{sub}/' folder ('{folder}'). Unpack the GTA5 image and label archives into it.", folder);
            }
        }

        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"The GTA5 input size must be positive, got {width}x{height}.");
        }

        Root = root;
        Width = width;
        Height = height;
        Names = names ?? ImageList.Scan(Path.Combine(root, "images"));
        for (int i = 0; i < Names.Count; i++)
        {
            ImagePreprocessing.RequireFile(ImagePath(i), "GTA5 image");
            ImagePreprocessing.RequireFile(LabelPath(i), "GTA5 label");
        }
    }

    /// <summary>The dataset folder.</summary>
    public string Root { get; }

    /// <summary>Network input width.</summary>
    public int Width { get; }

    /// <summary>Network input height.</summary>
    public int Height { get; }

    /// <summary>The image names, relative to <c>images/</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Names.Count;

    /// <summary>Path of image <paramref name="index"/>.</summary>
    public string ImagePath(int index) => Path.Combine(Root, "images", Names[index]);

    /// <summary>Path of label <paramref name="index"/> (the same name under <c>labels/</c>).</summary>
    public string LabelPath(int index) => Path.Combine(Root, "labels", Names[index]);

    /// <summary>
    /// Loads sample <paramref name="index"/> preprocessed as the reference. Throws
    /// <see cref="CityscapesDataException"/> when the label's size differs from its image's or it
    /// holds a value that is not a label id.
    /// </summary>
    public SegmentationSample Load(int index)
    {
        string imagePath = ImagePath(index);
        string labelPath = LabelPath(index);
        LabelImage label = LabelImage.ReadTrainIds(labelPath);
        (int w, int h) = ImagePreprocessing.ReadSize(imagePath);
        if (w != label.Width || h != label.Height)
        {
            throw new CityscapesDataException(
                $"GTA5 label '{labelPath}' is {label.Width}x{label.Height} but its image '{imagePath}' is {w}x{h}. Re-extract the pair, or remove it from the image list.",
                labelPath);
        }

        float[] image = ImagePreprocessing.LoadBgrMinusMean(imagePath, Width, Height);
        byte[] resized = label.Resize(Width, Height).Values;
        Tensor imageTensor = torch.tensor(image, [3, Height, Width], ScalarType.Float32);
        using Tensor labelBytes = torch.tensor(resized, [Height, Width], ScalarType.Byte);
        return new SegmentationSample(Names[index], imageTensor, labelBytes.to(ScalarType.Int64));
    }
}
