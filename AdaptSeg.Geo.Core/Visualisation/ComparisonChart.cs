using System.Globalization;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Visualisation;

/// <summary>
/// A horizontal bar chart of a comparison: one bar per method, its length the mean on a fixed
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

    /// <summary>Writes the chart of <paramref name="bars"/> (label, mean, std) as a PNG.</summary>
    public static void Save(string path, string title, IReadOnlyList<(string Label, double Mean, double Std)> bars)
    {
        int height = Top + bars.Count * RowPitch + 40;
        using var canvas = new Canvas(Left + AxisPixels + 130, height, new Rgb24(255, 255, 255));
        canvas.Text(10, 10, title, Ink, 1);
        int bottom = Top + bars.Count * RowPitch;
        for (int tick = 0; tick <= 100; tick += 20)
        {
            int x = Left + BarPixels(tick);
            canvas.Line(x, Top - 6, x, bottom, Grid);
            string label = tick.ToString(CultureInfo.InvariantCulture);
            canvas.Text(x - Canvas.TextWidth(label) / 2, bottom + 6, label, Ink);
        }

        for (int i = 0; i < bars.Count; i++)
        {
            var (label, mean, std) = bars[i];
            int y = Top + i * RowPitch;
            canvas.Text(Left - 8 - Canvas.TextWidth(label), y + BarHeight / 2 - 4, label, Ink);
            int length = BarPixels(mean);
            if (length > 0)
            {
                canvas.Fill(Left, y, length, BarHeight, BarColour);
            }

            if (std > 0 && !double.IsNaN(mean))
            {
                int from = Left + BarPixels(mean - std), to = Left + BarPixels(mean + std), mid = y + BarHeight / 2;
                canvas.Line(from, mid, to, mid, Whisker);
                canvas.Line(from, y + 4, from, y + BarHeight - 4, Whisker);
                canvas.Line(to, y + 4, to, y + BarHeight - 4, Whisker);
            }

            string value = double.IsNaN(mean) ? "no value" : string.Create(CultureInfo.InvariantCulture, $"{mean:0.0} +- {std:0.0}");
            canvas.Text(Left + BarPixels(double.IsNaN(std) ? mean : mean + std) + 8, y + BarHeight / 2 - 4, value, Ink);
        }

        canvas.Line(Left, Top - 6, Left, bottom, Ink);
        canvas.Text(Left, bottom + 20, "target mIoU (%), mean +- std over seeds", Ink);
        canvas.SavePng(path);
    }
}
