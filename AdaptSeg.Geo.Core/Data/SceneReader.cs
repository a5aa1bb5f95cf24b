using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Data;

/// <summary>
/// Reads windows of one prepared scene: the image as float32 channels-first <c>[bands, h, w]</c>
/// with a validity mask (false where any band is nodata), and the labels as bytes (255 = ignore;
/// invalid image pixels read as 255 too). One GDAL handle per reader: not thread-safe, so open one
/// reader per worker thread.
/// </summary>
public sealed class SceneReader : IDisposable
{
    private readonly BandReader image;
    private readonly GdalDataset? labels;
    private bool[] scratchValid = [];
    private float[] scratchImage = [];

    private SceneReader(PreparedScene scene, BandReader image, GdalDataset? labels)
    {
        Scene = scene;
        this.image = image;
        this.labels = labels;
    }

    /// <summary>Opens the scene's image (and labels, when it has them).</summary>
    public static SceneReader Open(PreparedScene scene)
    {
        BandReader image = BandReader.Open(scene.ImagePath);
        try
        {
            if (image.Width != scene.Width || image.Height != scene.Height)
            {
                throw new PreparedDatasetException($"'{scene.ImagePath}' is {image.Width}x{image.Height}, not {scene.Width}x{scene.Height}; run 'adaptseg prepare' again.", scene.ImagePath);
            }

            GdalDataset? labels = scene.LabelPath is null ? null : GdalDataset.Open(scene.LabelPath);
            return new SceneReader(scene, image, labels);
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>The scene.</summary>
    public PreparedScene Scene { get; }

    /// <summary>Width in pixels.</summary>
    public int Width => image.Width;

    /// <summary>Height in pixels.</summary>
    public int Height => image.Height;

    /// <summary>Number of channels.</summary>
    public int BandCount => image.ChannelCount;

    /// <summary>Whether the scene has labels.</summary>
    public bool HasLabels => labels is not null;

    /// <summary>
    /// Reads <paramref name="window"/>: <paramref name="channelsFirst"/> gets bands*h*w values,
    /// <paramref name="valid"/> h*w flags. Invalid pixels hold NaN in every band. Returns the valid count.
    /// </summary>
    public int ReadImage(PixelWindow window, Span<float> channelsFirst, Span<bool> valid)
    {
        int count = image.Read(window, channelsFirst, valid);
        int area = (int)window.Area;
        for (int i = 0; i < area; i++)
        {
            if (!valid[i])
            {
                for (int c = 0; c < BandCount; c++)
                {
                    channelsFirst[c * area + i] = float.NaN;
                }
            }
        }

        return count;
    }

    /// <summary>Reads <paramref name="window"/> into new arrays.</summary>
    public (float[] Image, bool[] Valid) ReadImage(PixelWindow window)
    {
        var data = new float[window.Area * BandCount];
        var valid = new bool[window.Area];
        ReadImage(window, data, valid);
        return (data, valid);
    }

    /// <summary>
    /// Reads labels of <paramref name="window"/> (h*w bytes); pixels whose image is invalid are set
    /// to 255 so a loss never trains on them. Throws when the scene has no labels.
    /// </summary>
    public void ReadLabels(PixelWindow window, Span<byte> labelsOut)
    {
        if (labels is null)
        {
            throw new InvalidOperationException($"Scene '{Scene.Name}' has no labels.");
        }

        labels.Read(1, window, labelsOut);
        int area = (int)window.Area;
        if (scratchValid.Length < area)
        {
            scratchValid = new bool[area];
            scratchImage = new float[area * BandCount];
        }

        image.Read(window, scratchImage.AsSpan(0, area * BandCount), scratchValid.AsSpan(0, area));
        for (int i = 0; i < area; i++)
        {
            if (!scratchValid[i])
            {
                labelsOut[i] = GridWarper.IgnoreLabel;
            }
        }
    }

    /// <summary>
    /// Reads labels of <paramref name="window"/> and sets 255 where <paramref name="valid"/> (from
    /// <see cref="ReadImage(PixelWindow, Span{float}, Span{bool})"/> of the same window) is false;
    /// cheaper than <see cref="ReadLabels(PixelWindow, Span{byte})"/> when the image was read anyway.
    /// </summary>
    public void ReadLabels(PixelWindow window, Span<byte> labelsOut, ReadOnlySpan<bool> valid)
    {
        if (labels is null)
        {
            throw new InvalidOperationException($"Scene '{Scene.Name}' has no labels.");
        }

        int area = (int)window.Area;
        if (valid.Length < area)
        {
            throw new ArgumentException($"The validity mask holds {valid.Length} flags; the window needs {area}.", nameof(valid));
        }

        labels.Read(1, window, labelsOut);
        for (int i = 0; i < area; i++)
        {
            if (!valid[i])
            {
                labelsOut[i] = GridWarper.IgnoreLabel;
            }
        }
    }

    /// <summary>Reads labels of <paramref name="window"/> into a new array.</summary>
    public byte[] ReadLabels(PixelWindow window)
    {
        var data = new byte[window.Area];
        ReadLabels(window, data);
        return data;
    }

    public void Dispose()
    {
        image.Dispose();
        labels?.Dispose();
    }
}
