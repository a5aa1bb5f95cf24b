using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// Writes a prediction as the reference does: <c>&lt;name&gt;.png</c> (8-bit grey, the trainId per pixel)
/// and <c>&lt;stem&gt;_color.png</c> (the Cityscapes palette, written as RGB). Each file is written under
/// a temporary name and renamed when complete.
/// </summary>
public static class PredictionPngWriter
{
    /// <summary>The two file names for an image name from the list ("frankfurt/x_leftImg8bit.png" → "x_leftImg8bit.png", "x_leftImg8bit_color.png").</summary>
    public static (string TrainIds, string Colour) FileNames(string imageName)
    {
        string file = imageName.Split('/', '\\')[^1];
        string stem = Path.GetFileNameWithoutExtension(file);
        return (stem + ".png", stem + "_color.png");
    }

    /// <summary>Writes both PNGs of a width×height trainId prediction into <paramref name="directory"/>.</summary>
    public static void Write(string directory, string imageName, ReadOnlySpan<byte> trainIds, int width, int height)
    {
        if (trainIds.Length != width * height)
        {
            throw new ArgumentException($"A {width}x{height} prediction needs {width * height} values, got {trainIds.Length}.", nameof(trainIds));
        }

        (string idsName, string colourName) = FileNames(imageName);
        WriteGrey(Path.Combine(directory, idsName), trainIds, width, height);

        var rgb = new byte[trainIds.Length * 3];
        CityscapesPalette.Colourise(trainIds, rgb);
        using Image<Rgb24> colour = Image.LoadPixelData<Rgb24>(rgb, width, height);
        SaveAtomically(colour, Path.Combine(directory, colourName));
    }

    /// <summary>Writes a width×height label image as an 8-bit grey PNG (one class value per pixel), atomically.</summary>
    public static void WriteGrey(string path, ReadOnlySpan<byte> labels, int width, int height)
    {
        using Image<L8> grey = Image.LoadPixelData<L8>(labels, width, height);
        SaveAtomically(grey, path);
    }

    private static void SaveAtomically(Image image, string path)
    {
        Runtime.AtomicFile.Write(path, image.SaveAsPng);
    }
}
