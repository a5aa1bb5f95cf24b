extern alias ScottPlotLibrary;

using ScottPlotLibrary::ScottPlot;
using SkiaSharp;

namespace AdaptSeg.Geo.Visualisation;

/// <summary>
/// Draws training losses as a PNG with ScottPlot: a title strip over one panel per loss, side by
/// side (<see cref="PanelWidth"/> x <see cref="PanelHeight"/> each), each with the auxiliary (blue) and main
/// (red) level, the raw values faint and a trailing moving average over a 25th of the run on top.
/// The legend is on the last panel.
/// </summary>
public static class LossPlot
{
    /// <summary>Width of one panel in pixels.</summary>
    public const int PanelWidth = 520;

    /// <summary>Height of one panel in pixels.</summary>
    public const int PanelHeight = 400;

    /// <summary>Height of the title strip above the panels.</summary>
    public const int TitleHeight = 40;

    private static readonly Color[] Strong = [PngFile.Colour(31, 119, 180), PngFile.Colour(214, 39, 40)];
    private static readonly Color[] Faint = [PngFile.Colour(180, 205, 230), PngFile.Colour(240, 180, 180)];

    /// <summary>Renders <paramref name="panels"/> over <paramref name="iterations"/> to <paramref name="path"/> (written atomically).</summary>
    public static void Save(string path, IReadOnlyList<int> iterations, IReadOnlyList<LossPanel> panels, string title)
    {
        ArgumentNullException.ThrowIfNull(iterations);
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0)
        {
            throw new ArgumentException("A loss plot needs at least one panel.", nameof(panels));
        }

        foreach (LossPanel panel in panels)
        {
            if (panel.Aux.Count != iterations.Count || panel.Main.Count != iterations.Count)
            {
                throw new ArgumentException($"The panel '{panel.Title}' has {panel.Aux.Count} aux and {panel.Main.Count} main values for {iterations.Count} iterations; give one value per iteration.", nameof(panels));
            }
        }

        using SKSurface surface = PngFile.CreateSurface(panels.Count * PanelWidth, TitleHeight + PanelHeight);
        PngFile.Text(surface.Canvas, title, 12, 8, 22, SKColors.Black);
        for (int p = 0; p < panels.Count; p++)
        {
            var plot = new Plot();
            plot.Font.Set(PngFile.FontFamily);
            plot.Title(panels[p].Title);
            plot.XLabel("iteration");
            plot.YLabel("loss");
            IReadOnlyList<double>[] series = [panels[p].Aux, panels[p].Main];
            string[] names = ["aux (layer5)", "main (layer6)"];
            for (int pass = 0; pass < 2; pass++)
            {
                for (int s = 0; s < series.Length; s++)
                {
                    IReadOnlyList<double> values = pass == 0 ? series[s] : MovingAverage(series[s], Math.Max(1, series[s].Count / 25));
                    var (xs, ys) = Finite(iterations, values);
                    if (xs.Length == 0)
                    {
                        continue;
                    }

                    var line = plot.Add.ScatterLine(xs, ys);
                    line.Color = pass == 0 ? Faint[s] : Strong[s];
                    line.LineWidth = pass == 0 ? 1 : 2;
                    if (pass == 1 && p == panels.Count - 1)
                    {
                        line.LegendText = names[s] + ", moving average";
                    }
                }
            }

            if (p == panels.Count - 1)
            {
                plot.ShowLegend(Alignment.UpperRight);
            }

            PngFile.DrawPlot(surface.Canvas, plot, p * PanelWidth, TitleHeight, PanelWidth, PanelHeight);
        }

        PngFile.Save(surface, path);
    }

    /// <summary>A trailing moving average over <paramref name="window"/> values.</summary>
    public static double[] MovingAverage(IReadOnlyList<double> values, int window)
    {
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window)
            {
                sum -= values[i - window];
            }

            result[i] = sum / Math.Min(i + 1, window);
        }

        return result;
    }

    private static (double[] X, double[] Y) Finite(IReadOnlyList<int> iterations, IReadOnlyList<double> values)
    {
        var x = new List<double>(values.Count);
        var y = new List<double>(values.Count);
        for (int i = 0; i < values.Count; i++)
        {
            if (double.IsFinite(values[i]))
            {
                x.Add(iterations[i]);
                y.Add(values[i]);
            }
        }

        return ([.. x], [.. y]);
    }
}
