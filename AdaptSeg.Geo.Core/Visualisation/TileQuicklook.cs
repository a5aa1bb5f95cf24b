using AdaptSeg.Geo.Raster;
using SkiaSharp;

namespace AdaptSeg.Geo.Visualisation;

/// <summary>
/// Side-by-side PNG of tiles held in memory (what training sees at a checkpoint): image panels
/// (three channels as RGB, each stretched between its 2nd and 98th percentile as
/// <see cref="Quicklook.Stretch"/> does) and class panels (a colour per class, 255 and values past
/// the legend black), each titled and enlarged by a whole factor without smoothing. Same layout as
/// <see cref="Quicklook"/>: a 12-pixel margin around and between panels, a 22-pixel title strip.
/// </summary>
public static class TileQuicklook
{
    /// <summary>Renders the panels of one <paramref name="height"/> x <paramref name="width"/> tile to <paramref name="path"/> (atomically).</summary>
    /// <param name="path">PNG to write.</param>
    /// <param name="height">Tile height in pixels.</param>
    /// <param name="width">Tile width in pixels.</param>
    /// <param name="panels">
    /// Per panel its title and either <c>Rgb</c> (three row-major planes of <c>height * width</c>
    /// values; NaN is drawn black) or <c>Classes</c> (row-major class values).
    /// </param>
    /// <param name="legend">The class colours.</param>
    /// <param name="scale">Enlargement, 1 to 8.</param>
    public static void Save(string path, int height, int width, IReadOnlyList<(string Title, float[][]? Rgb, byte[]? Classes)> panels, ClassLegend legend, int scale = 2)
    {
        ArgumentNullException.ThrowIfNull(panels);
        ArgumentNullException.ThrowIfNull(legend);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, 8);
        if (panels.Count == 0)
        {
            throw new ArgumentException("A tile quicklook needs at least one panel.", nameof(panels));
        }

        const int margin = 12, titleHeight = 22;
        int panelWidth = width * scale, panelHeight = height * scale;
        var colours = new SKColor[256];
        foreach (ClassEntry entry in legend.Entries)
        {
            colours[entry.Value] = new SKColor(entry.Red, entry.Green, entry.Blue);
        }

        using SKSurface surface = PngFile.CreateSurface(panels.Count * (panelWidth + margin) + margin, panelHeight + titleHeight + 2 * margin);
        using var pixels = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var paint = new SKPaint { IsAntialias = false };
        for (int p = 0; p < panels.Count; p++)
        {
            var (title, rgb, classes) = panels[p];
            int x0 = margin + p * (panelWidth + margin);
            PngFile.Text(surface.Canvas, title, x0, margin - 4, 16, SKColors.Black);
            if (rgb is not null)
            {
                if (rgb.Length != 3 || rgb.Any(c => c.Length != height * width))
                {
                    throw new ArgumentException($"Panel '{title}': an image panel needs three planes of {height * width} values.", nameof(panels));
                }

                byte[][] channels = [.. rgb.Select(c => Quicklook.Stretch(c, null))];
                for (int i = 0; i < height * width; i++)
                {
                    bool valid = float.IsFinite(rgb[0][i]) && float.IsFinite(rgb[1][i]) && float.IsFinite(rgb[2][i]);
                    pixels.SetPixel(i % width, i / width, valid ? new SKColor(channels[0][i], channels[1][i], channels[2][i]) : SKColors.Black);
                }
            }
            else if (classes is not null && classes.Length == height * width)
            {
                for (int i = 0; i < height * width; i++)
                {
                    byte v = classes[i];
                    pixels.SetPixel(i % width, i / width, v < legend.Count ? colours[v] : SKColors.Black);
                }
            }
            else
            {
                throw new ArgumentException($"Panel '{title}': give three image planes or {height * width} class values.", nameof(panels));
            }

            using SKImage image = SKImage.FromBitmap(pixels);
            surface.Canvas.DrawImage(image, SKRect.Create(x0, margin + titleHeight, panelWidth, panelHeight), new SKSamplingOptions(SKFilterMode.Nearest), paint);
        }

        PngFile.Save(surface, path);
    }
}
