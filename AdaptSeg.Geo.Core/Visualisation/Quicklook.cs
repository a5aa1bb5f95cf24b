using AdaptSeg.Geo.Raster;
using SixLabors.ImageSharp.PixelFormats;
using SkiaSharp;

namespace AdaptSeg.Geo.Visualisation;

/// <summary>
/// Side-by-side PNG of an image (three bands as RGB, stretched per band between the 2nd and 98th
/// percentile) and class masks on the same grid (image | mask | mask ...), each panel titled.
/// Rasters are read decimated to the panel size, so any raster size is cheap. Layout: a 12-pixel
/// margin around and between panels, a 22-pixel title strip above them. Drawn with SkiaSharp.
/// </summary>
public static class Quicklook
{
    private static readonly SKColor NoData = new(0, 0, 0);

    /// <summary>Renders the quicklook.</summary>
    /// <param name="path">PNG to write (atomically).</param>
    /// <param name="imagePath">The image raster.</param>
    /// <param name="rgbBands">1-based bands shown as red, green, blue.</param>
    /// <param name="masks">(title, class-mask raster) per panel; 255 = nodata (black).</param>
    /// <param name="classColours">Colour of each class value.</param>
    /// <param name="imageTitle">Title over the image panel.</param>
    /// <param name="panelWidth">Width of each panel in pixels.</param>
    public static void Save(string path, string imagePath, IReadOnlyList<int> rgbBands, IReadOnlyList<(string Title, string MaskPath)> masks,
        IReadOnlyList<Rgb24> classColours, string imageTitle = "image", int panelWidth = 360)
    {
        using var image = GdalDataset.Open(imagePath);
        int panelHeight = Math.Max(1, (int)Math.Round((double)image.Height / image.Width * panelWidth));
        const int margin = 12, titleHeight = 22;
        int panels = 1 + masks.Count;
        using SKSurface surface = PngFile.CreateSurface(panels * (panelWidth + margin) + margin, panelHeight + titleHeight + 2 * margin);
        using var pixels = new SKBitmap(new SKImageInfo(panelWidth, panelHeight, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var colours = classColours.Select(c => new SKColor(c.R, c.G, c.B)).ToArray();
        var full = new PixelWindow(0, 0, image.Width, image.Height);

        var channels = new byte[3][];
        for (int c = 0; c < 3; c++)
        {
            var values = new float[panelWidth * panelHeight];
            image.ReadResampled(rgbBands[c], full, panelWidth, panelHeight, values);
            channels[c] = Stretch(values, image.GetNoData(rgbBands[c]));
        }

        int y0 = margin + titleHeight;
        PngFile.Text(surface.Canvas, imageTitle, margin, margin - 4, 16, SKColors.Black);
        for (int y = 0; y < panelHeight; y++)
        {
            for (int x = 0; x < panelWidth; x++)
            {
                int i = y * panelWidth + x;
                pixels.SetPixel(x, y, new SKColor(channels[0][i], channels[1][i], channels[2][i]));
            }
        }

        surface.Canvas.DrawBitmap(pixels, margin, y0);

        for (int m = 0; m < masks.Count; m++)
        {
            int x0 = margin + (m + 1) * (panelWidth + margin);
            PngFile.Text(surface.Canvas, masks[m].Title, x0, margin - 4, 16, SKColors.Black);
            using var mask = GdalDataset.Open(masks[m].MaskPath);
            var values = new byte[panelWidth * panelHeight];
            mask.ReadResampled(1, new PixelWindow(0, 0, mask.Width, mask.Height), panelWidth, panelHeight, values);
            for (int y = 0; y < panelHeight; y++)
            {
                for (int x = 0; x < panelWidth; x++)
                {
                    byte v = values[y * panelWidth + x];
                    pixels.SetPixel(x, y, v < colours.Length ? colours[v] : NoData);
                }
            }

            surface.Canvas.DrawBitmap(pixels, x0, y0);
        }

        PngFile.Save(surface, path);
    }

    /// <summary>Linear stretch of the 2nd..98th percentile to 0..255; nodata becomes 0.</summary>
    public static byte[] Stretch(float[] values, double? noData)
    {
        var valid = values.Where(v => float.IsFinite(v) && (noData is null || v != noData)).Order().ToArray();
        var result = new byte[values.Length];
        if (valid.Length == 0)
        {
            return result;
        }

        double low = valid[(int)(0.02 * (valid.Length - 1))], high = valid[(int)(0.98 * (valid.Length - 1))];
        double scale = high > low ? 255.0 / (high - low) : 0;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            result[i] = noData is not null && v == noData ? (byte)0 : (byte)Math.Clamp((v - low) * scale, 0, 255);
        }

        return result;
    }
}
