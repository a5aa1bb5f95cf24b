extern alias ScottPlotLibrary;

using System.Globalization;
using ScottPlotLibrary::ScottPlot;
using SkiaSharp;

namespace AdaptSeg.Geo.Visualisation;

/// <summary>
/// An evaluation report as a PNG with ScottPlot: per-class IoU as bars (percent; a class present in
/// neither raster has no bar and reads "n/a") on the left, and the confusion matrix as a heatmap on
/// the right, each row (reference class) normalised to percent of its pixels, cells annotated.
/// Reference classes run top to bottom, predicted classes left to right.
/// </summary>
public static class EvaluationPlot
{
    /// <summary>Width of each of the two panels in pixels.</summary>
    public const int PanelWidth = 600;

    /// <summary>Height of the panels.</summary>
    public const int PanelHeight = 500;

    /// <summary>Height of the title strip above the panels.</summary>
    public const int TitleHeight = 40;

    /// <summary>The bars' colour.</summary>
    public static readonly (byte R, byte G, byte B) BarColour = (31, 119, 180);

    /// <summary>Renders the report to <paramref name="path"/> (written atomically).</summary>
    /// <param name="path">The PNG to write.</param>
    /// <param name="classNames">Class names in value order.</param>
    /// <param name="iou">IoU per class in 0..1, NaN where undefined.</param>
    /// <param name="confusion">Pixel counts, [reference, predicted].</param>
    /// <param name="title">Shown over the panels.</param>
    public static void Save(string path, IReadOnlyList<string> classNames, IReadOnlyList<double> iou, long[,] confusion, string title)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(iou);
        ArgumentNullException.ThrowIfNull(confusion);
        int n = classNames.Count;
        if (n == 0 || iou.Count != n || confusion.GetLength(0) != n || confusion.GetLength(1) != n)
        {
            throw new ArgumentException($"{n} class names need {n} IoU values and an {n} x {n} confusion matrix (got {iou.Count} and {confusion.GetLength(0)} x {confusion.GetLength(1)}).", nameof(confusion));
        }

        using SKSurface surface = PngFile.CreateSurface(2 * PanelWidth, TitleHeight + PanelHeight);
        PngFile.Text(surface.Canvas, title, 12, 8, 22, SKColors.Black);
        PngFile.DrawPlot(surface.Canvas, IoUBars(classNames, iou), 0, TitleHeight, PanelWidth, PanelHeight);
        PngFile.DrawPlot(surface.Canvas, Heatmap(classNames, confusion), PanelWidth, TitleHeight, PanelWidth, PanelHeight);
        PngFile.Save(surface, path);
    }

    /// <summary>Each row as percent of its sum; NaN for a row without pixels.</summary>
    public static double[,] RowPercent(long[,] confusion)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        int rows = confusion.GetLength(0), columns = confusion.GetLength(1);
        var result = new double[rows, columns];
        for (int r = 0; r < rows; r++)
        {
            long sum = 0;
            for (int c = 0; c < columns; c++)
            {
                sum += confusion[r, c];
            }

            for (int c = 0; c < columns; c++)
            {
                result[r, c] = sum == 0 ? double.NaN : 100.0 * confusion[r, c] / sum;
            }
        }

        return result;
    }

    private static Plot IoUBars(IReadOnlyList<string> names, IReadOnlyList<double> iou)
    {
        var plot = new Plot();
        plot.Font.Set(PngFile.FontFamily);
        plot.Title("IoU per class");
        plot.YLabel("IoU (%)");
        var bars = new List<Bar>();
        for (int i = 0; i < names.Count; i++)
        {
            if (double.IsFinite(iou[i]))
            {
                bars.Add(new Bar { Position = i, Value = 100 * iou[i], FillColor = PngFile.Colour(BarColour.R, BarColour.G, BarColour.B) });
            }

            string label = double.IsFinite(iou[i]) ? (100 * iou[i]).ToString("0.0", CultureInfo.InvariantCulture) : "n/a";
            var text = plot.Add.Text(label, i, double.IsFinite(iou[i]) ? 100 * iou[i] : 0);
            text.LabelFontSize = 13;
            text.LabelAlignment = Alignment.LowerCenter;
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, names.Count).Select(i => (double)i)], [.. names]);
        plot.Axes.SetLimits(-0.6, names.Count - 0.4, 0, 110);
        return plot;
    }

    private static Plot Heatmap(IReadOnlyList<string> names, long[,] confusion)
    {
        int n = names.Count;
        double[,] percent = RowPercent(confusion);
        var plot = new Plot();
        plot.Font.Set(PngFile.FontFamily);
        plot.Title("confusion matrix (% of each reference class)");
        plot.XLabel("predicted");
        plot.YLabel("reference");
        var heatmap = plot.Add.Heatmap(percent);
        heatmap.ManualRange = new ScottPlotLibrary::ScottPlot.Range(0, 100);
        if (n <= 15)
        {
            for (int r = 0; r < n; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    double v = percent[r, c];
                    var text = plot.Add.Text(double.IsFinite(v) ? v.ToString("0", CultureInfo.InvariantCulture) : "", c, n - 1 - r);
                    text.LabelFontSize = 12;
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontColor = v >= 60 ? Colors.Black : Colors.White;
                }
            }
        }

        double[] positions = [.. Enumerable.Range(0, n).Select(i => (double)i)];
        plot.Axes.Bottom.SetTicks(positions, [.. names]);
        plot.Axes.Left.SetTicks([.. positions.Select(p => n - 1 - p)], [.. names]);
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        return plot;
    }
}
