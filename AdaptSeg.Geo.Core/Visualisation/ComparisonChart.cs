using System.Globalization;
using SixLabors.ImageSharp.PixelFormats;
using SkiaSharp;

namespace AdaptSeg.Geo.Visualisation;

/// <summary>
/// A horizontal bar chart of a comparison, drawn with SkiaSharp at fixed pixel geometry (so a test can
/// measure the bars): one bar per method, its length the mean on a fixed
/// 0..100 axis (<see cref="AxisPixels"/> pixels from <see cref="Left"/>), a whisker for ± one standard
/// deviation, the value written after it.
/// </summary>
public static class ComparisonChart
{
    /// <summary>x of the axis origin.</summary>
    public const int Left = 170;

    /// <summary>Pixels from 0 to 100.</summary>
    public const int AxisPixels = 500;

    /// <summary>y of the first bar's top.</summary>
    public const int Top = 50;

    /// <summary>Vertical pitch of the bars.</summary>
    public const int RowPitch = 34;

    /// <summary>Bar thickness.</summary>
    public const int BarHeight = 20;

    /// <summary>The colour of the bars.</summary>
    public static readonly Rgb24 BarColour = new(31, 119, 180);

    private static readonly Rgb24 Ink = new(40, 40, 40);
    private static readonly Rgb24 Grid = new(220, 220, 220);
    private static readonly Rgb24 Whisker = new(214, 39, 40);

    /// <summary>Pixel length of a bar for <paramref name="value"/> (clamped to the axis).</summary>
    public static int BarPixels(double value) => double.IsNaN(value) ? 0 : (int)Math.Round(Math.Clamp(value, 0, 100) / 100 * AxisPixels);

    /// <summary>Writes the chart of <paramref name="bars"/> (label, mean, std) as a PNG, drawn with SkiaSharp (written atomically).</summary>
    public static void Save(string path, string title, IReadOnlyList<(string Label, double Mean, double Std)> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        int height = Top + bars.Count * RowPitch + 40;
        using SKSurface surface = PngFile.CreateSurface(Left + AxisPixels + 130, height);
        SKCanvas canvas = surface.Canvas;
        using var line = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        using var fill = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Fill, Color = Sk(BarColour) };
        const float TextSize = 12;
        PngFile.Text(canvas, title, 10, 8, 14, Sk(Ink));
        int bottom = Top + bars.Count * RowPitch;
        line.Color = Sk(Grid);
        for (int tick = 0; tick <= 100; tick += 20)
        {
            int x = Left + BarPixels(tick);
            canvas.DrawLine(x + 0.5f, Top - 6, x + 0.5f, bottom, line);
            string label = tick.ToString(CultureInfo.InvariantCulture);
            PngFile.Text(canvas, label, x - 3 * label.Length, bottom + 4, TextSize, Sk(Ink));
        }

        for (int i = 0; i < bars.Count; i++)
        {
            var (label, mean, std) = bars[i];
            int y = Top + i * RowPitch;
            PngFile.Text(canvas, label, 8, y + BarHeight / 2 - TextSize / 2 - 1, TextSize, Sk(Ink));
            int length = BarPixels(mean);
            if (length > 0)
            {
                canvas.DrawRect(Left, y, length, BarHeight, fill);
            }

            if (std > 0 && !double.IsNaN(mean))
            {
                float from = Left + BarPixels(mean - std) + 0.5f, to = Left + BarPixels(mean + std) + 0.5f, mid = y + BarHeight / 2 + 0.5f;
                line.Color = Sk(Whisker);
                canvas.DrawLine(from, mid, to, mid, line);
                canvas.DrawLine(from, y + 4, from, y + BarHeight - 4, line);
                canvas.DrawLine(to, y + 4, to, y + BarHeight - 4, line);
            }

            string value = double.IsNaN(mean) ? "no value" : string.Create(CultureInfo.InvariantCulture, $"{mean:0.0} \u00b1 {std:0.0}");
            PngFile.Text(canvas, value, Left + BarPixels(double.IsNaN(std) ? mean : mean + std) + 8, y + BarHeight / 2 - TextSize / 2 - 1, TextSize, Sk(Ink));
        }

        line.Color = Sk(Ink);
        canvas.DrawLine(Left + 0.5f, Top - 6, Left + 0.5f, bottom, line);
        PngFile.Text(canvas, "target mIoU (%), mean \u00b1 std over seeds", Left, bottom + 20, TextSize, Sk(Ink));
        PngFile.Save(surface, path);
    }

    private static SKColor Sk(Rgb24 c) => new(c.R, c.G, c.B);
}
