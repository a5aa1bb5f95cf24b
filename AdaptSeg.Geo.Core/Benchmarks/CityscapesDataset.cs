using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// A Cityscapes split in its original layout: <c>leftImg8bit/&lt;split&gt;/&lt;city&gt;/*_leftImg8bit.png</c>
/// and, for scoring, <c>gtFine/&lt;split&gt;/&lt;city&gt;/*_gtFine_labelIds.png</c>. Names are relative to
/// <c>leftImg8bit/&lt;split&gt;</c>, as in the reference <c>cityscapes_list/*.txt</c>.
/// </summary>
public sealed class CityscapesDataset
{
    /// <summary>The reference target/evaluation input width.</summary>
    public const int DefaultWidth = 1024;

    /// <summary>The reference target/evaluation input height.</summary>
    public const int DefaultHeight = 512;

    private const string ImageSuffix = "_leftImg8bit.png";
    private const string LabelSuffix = "_gtFine_labelIds.png";

    /// <summary>
    /// Opens split <paramref name="split"/> ("train", "val") under <paramref name="root"/> (the folder
    /// holding <c>leftImg8bit/</c> and <c>gtFine/</c>). <paramref name="names"/> null scans the split
    /// for <c>*_leftImg8bit.png</c>. With <paramref name="requireLabels"/>, every image needs its
    /// <c>_gtFine_labelIds.png</c>. Every listed file is checked to exist now.
    /// </summary>
    public CityscapesDataset(string root, string split = "val", IReadOnlyList<string>? names = null, bool requireLabels = true)
    {
        if (!Directory.Exists(root))
        {
            throw new CityscapesDataException($"Cityscapes folder '{root}' does not exist. Give the folder that holds 'leftImg8bit/' and 'gtFine/'.", root);
        }

        if (string.IsNullOrWhiteSpace(split) || split.IndexOfAny(['/', '\\']) >= 0 || split == "..")
        {
            throw new ArgumentException($"Split '{split}' must be a plain folder name such as 'train' or 'val'.", nameof(split));
        }

        Root = root;
        Split = split;
        string images = Path.Combine(root, "leftImg8bit", split);
        if (!Directory.Exists(images))
        {
            throw new CityscapesDataException($"Cityscapes folder '{root}' has no 'leftImg8bit/{split}/' ('{images}'). Unpack leftImg8bit_trainvaltest.zip into it.", images);
        }

        string labels = Path.Combine(root, "gtFine", split);
        if (requireLabels && !Directory.Exists(labels))
        {
            throw new CityscapesDataException($"Cityscapes folder '{root}' has no 'gtFine/{split}/' ('{labels}'). Unpack gtFine_trainvaltest.zip into it.", labels);
        }

        Names = names ?? ImageList.Scan(images, ImageSuffix);
        HasLabels = requireLabels;
        for (int i = 0; i < Names.Count; i++)
        {
            if (!Names[i].EndsWith(ImageSuffix, StringComparison.Ordinal))
            {
                throw new CityscapesDataException($"Cityscapes image name '{Names[i]}' does not end in '{ImageSuffix}'; list names like 'frankfurt/frankfurt_000000_000294_leftImg8bit.png'.", ImagePath(i));
            }

            ImagePreprocessing.RequireFile(ImagePath(i), "Cityscapes image");
            if (requireLabels)
            {
                ImagePreprocessing.RequireFile(LabelPath(i), "Cityscapes label");
            }
        }
    }

    /// <summary>The dataset folder.</summary>
    public string Root { get; }

    /// <summary>The split ("train", "val").</summary>
    public string Split { get; }

    /// <summary>Whether labels were required (and checked to exist).</summary>
    public bool HasLabels { get; }

    /// <summary>Image names relative to <c>leftImg8bit/&lt;split&gt;</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of images.</summary>
    public int Count => Names.Count;

    /// <summary>Path of image <paramref name="index"/>.</summary>
    public string ImagePath(int index) => Path.Combine(Root, "leftImg8bit", Split, Names[index]);

    /// <summary>Path of the label-id image of <paramref name="index"/>.</summary>
    public string LabelPath(int index) =>
        Path.Combine(Root, "gtFine", Split, Names[index][..^ImageSuffix.Length] + LabelSuffix);

    /// <summary>Image <paramref name="index"/> as the reference feeds it: bicubic to width×height, BGR minus the mean, float C×H×W.</summary>
    public float[] LoadImage(int index, int width = DefaultWidth, int height = DefaultHeight) =>
        ImagePreprocessing.LoadBgrMinusMean(ImagePath(index), width, height);

    /// <summary>As <see cref="LoadImage"/>, as a [3, height, width] float32 CPU tensor.</summary>
    public Tensor LoadImageTensor(int index, int width = DefaultWidth, int height = DefaultHeight) =>
        torch.tensor(LoadImage(index, width, height), [3, height, width], ScalarType.Float32);

    /// <summary>
    /// The full-resolution trainIds of <paramref name="index"/> (label ids mapped, 255 ignored).
    /// Throws when the label's size differs from its image's, or it holds a value that is not a label id.
    /// </summary>
    public LabelImage LoadTrainIds(int index)
    {
        string labelPath = LabelPath(index);
        LabelImage label = LabelImage.ReadTrainIds(labelPath);
        (int w, int h) = ImagePreprocessing.ReadSize(ImagePath(index));
        if (w != label.Width || h != label.Height)
        {
            throw new CityscapesDataException(
                $"Cityscapes label '{labelPath}' is {label.Width}x{label.Height} but its image '{ImagePath(index)}' is {w}x{h}. The gtFine and leftImg8bit files must come from the same release.",
                labelPath);
        }

        return label;
    }
}
