extern alias ScottPlotLibrary;

using SkiaSharp;

namespace AdaptSeg.Geo.Visualisation;

/// <summary>Drawing surfaces and PNG output shared by the plots and the quicklook.</summary>
internal static class PngFile
{
    /// <summary>The font family for text drawn outside ScottPlot (Debian: fonts-dejavu-core).</summary>
    internal const string FontFamily = "DejaVu Sans";

    /// <summary>A white RGBA surface of the given size.</summary>
    internal static SKSurface CreateSurface(int width, int height)
    {
        if (width <= 0 || height <= 0 || (long)width * height > 100_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"An image of {width} x {height} pixels cannot be drawn; keep it between 1 and 100 megapixels.");
        }

        SKSurface surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width} x {height} image.");
        surface.Canvas.Clear(SKColors.White);
        return surface;
    }

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    internal static void Text(SKCanvas canvas, string text, float x, float y, float size, SKColor colour)
    {
        using var typeface = SKTypeface.FromFamilyName(FontFamily) ?? SKTypeface.Default;
        using var font = new SKFont(typeface, size);
        using var paint = new SKPaint { Color = colour, IsAntialias = true };
        canvas.DrawText(text, x, y + size, SKTextAlign.Left, font, paint);
    }

    /// <summary>Renders <paramref name="plot"/> into a <paramref name="width"/> x <paramref name="height"/> box at (x, y) of <paramref name="canvas"/>.</summary>
    internal static void DrawPlot(SKCanvas canvas, ScottPlotLibrary::ScottPlot.Plot plot, int x, int y, int width, int height)
    {
        using SKSurface panel = CreateSurface(width, height);
        plot.Render(panel.Canvas, width, height);
        using SKImage image = panel.Snapshot();
        canvas.DrawImage(image, x, y);
    }

    /// <summary>Encodes the surface as PNG under a temporary name beside <paramref name="path"/>, then renames it.</summary>
    internal static void Save(SKSurface surface, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode '{path}' as PNG.");
        Runtime.AtomicFile.Write(path, data.SaveTo);
    }

    /// <summary>A ScottPlot colour from bytes.</summary>
    internal static ScottPlotLibrary::ScottPlot.Color Colour(byte r, byte g, byte b) => new(r, g, b);
}
