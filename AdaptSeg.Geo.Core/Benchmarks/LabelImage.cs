using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>An 8-bit label raster: <see cref="Values"/> row-major, <see cref="Width"/>×<see cref="Height"/>.</summary>
public sealed class LabelImage
{
    /// <summary>Wraps values (row-major) of a width×height label.</summary>
    public LabelImage(int width, int height, byte[] values)
    {
        if (width < 1 || height < 1 || values.Length != width * height)
        {
            throw new ArgumentException($"A {width}x{height} label needs {width * height} values, got {values.Length}.", nameof(values));
        }

        Width = width;
        Height = height;
        Values = values;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The values, row-major.</summary>
    public byte[] Values { get; }

    /// <summary>
    /// Reads the stored values of a one-band 8-bit PNG: grey levels, or palette indices for a
    /// palette PNG (GTA5 labels are palette PNGs whose indices are the label ids). GDAL is used
    /// because it returns palette indices; ImageSharp 2.1 only returns the palette colours.
    /// </summary>
    public static LabelImage Read(string path)
    {
        ImagePreprocessing.RequireFile(path, "Label");
        try
        {
            using GdalDataset dataset = GdalDataset.Open(path);
            if (dataset.BandCount != 1 || dataset.GetDataType(1) != RasterDataType.Byte)
            {
                throw new CityscapesDataException(
                    $"Label '{path}' has {dataset.BandCount} band(s) of {dataset.GetDataType(1)}; a label-id image has one 8-bit band (grey or palette). " +
                    "Use GTA5 'labels/*.png' or Cityscapes '*_gtFine_labelIds.png' (not '*_color.png').",
                    path);
            }

            var values = new byte[dataset.Width * dataset.Height];
            dataset.Read<byte>(1, new PixelWindow(0, 0, dataset.Width, dataset.Height), values);
            return new LabelImage(dataset.Width, dataset.Height, values);
        }
        catch (GdalException e)
        {
            throw new CityscapesDataException($"Label '{path}' cannot be read: {e.Message}", path);
        }
    }

    /// <summary>Reads label ids from <paramref name="path"/> and maps them to trainIds (<see cref="CityscapesLabels.MapToTrainIds"/>).</summary>
    public static LabelImage ReadTrainIds(string path)
    {
        LabelImage ids = Read(path);
        CityscapesLabels.MapToTrainIds(ids.Values, ids.Values, ids.Width, path);
        return ids;
    }

    /// <summary>This label resized with Pillow's NEAREST positions (<see cref="ImagePreprocessing.ResizeNearest"/>); itself when already that size.</summary>
    public LabelImage Resize(int width, int height) =>
        width == Width && height == Height ? this : new LabelImage(width, height, ImagePreprocessing.ResizeNearest(Values, Width, Height, width, height));
}
