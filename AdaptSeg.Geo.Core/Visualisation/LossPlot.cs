using System.Globalization;
using AdaptSeg.Geo.Training;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Visualisation;

/// <summary>
/// Draws the training losses as a PNG: three panels (segmentation, adversarial, discriminator),
/// each with the auxiliary and main level, raw values faint and a moving average on top.
/// </summary>
public static class LossPlot
{
    private static readonly Rgb24 Background = new(255, 255, 255);
    private static readonly Rgb24 Axis = new(60, 60, 60);
    private static readonly Rgb24 Grid = new(225, 225, 225);
    private static readonly Rgb24[] Strong = [new(31, 119, 180), new(214, 39, 40)];
    private static readonly Rgb24[] Faint = [new(180, 205, 230), new(240, 180, 180)];

    /// <summary>Renders <paramref name="history"/> (iteration, losses) to <paramref name="path"/>.</summary>
    public static void Save(string path, IReadOnlyList<(int Iteration, StepLosses Losses)> history, string title)
    {
        const int panelWidth = 420, panelHeight = 300, margin = 50, top = 40;
        using var canvas = new Canvas(3 * (panelWidth + margin) + margin, panelHeight + top + 70, Background);
        canvas.Text(margin, 10, title, Axis, 2);
        var panels = new (string Name, Func<StepLosses, double> Aux, Func<StepLosses, double> Main)[]
        {
            ("segmentation (source)", l => l.SegAux, l => l.SegMain),
            ("adversarial (target)", l => l.AdvAux, l => l.AdvMain),
            ("discriminator", l => l.DiscAux, l => l.DiscMain),
        };

        for (int p = 0; p < panels.Length; p++)
        {
            int x0 = margin + p * (panelWidth + margin);
            var (name, aux, main) = panels[p];
            DrawPanel(canvas, x0, top, panelWidth, panelHeight, name, history, [aux, main]);
        }

        int legendY = top + panelHeight + 35;
        for (int level = 0; level < 2; level++)
        {
            int lx = margin + level * 200;
            canvas.Fill(lx, legendY + 2, 20, 4, Strong[level]);
            canvas.Text(lx + 26, legendY, level == 0 ? "aux (layer5)" : "main (layer6)", Axis, 1);
        }

        canvas.Text(margin + 420, legendY, "faint: per iteration, strong: moving average", Axis, 1);
        canvas.SavePng(path);
    }

    private static void DrawPanel(Canvas canvas, int x0, int y0, int width, int height, string name,
        IReadOnlyList<(int Iteration, StepLosses Losses)> history, Func<StepLosses, double>[] series)
    {
        canvas.Text(x0, y0 - 14, name, Axis, 1);
        canvas.Rectangle(x0, y0, width, height, Axis);
        if (history.Count == 0)
        {
            return;
        }

        var values = series.Select(f => history.Select(h => f(h.Losses)).ToArray()).ToArray();
        double min = values.SelectMany(v => v).Where(double.IsFinite).DefaultIfEmpty(0).Min();
        double max = values.SelectMany(v => v).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        if (max - min < 1e-12)
        {
            (min, max) = (min - 0.5, max + 0.5);
        }

        int first = history[0].Iteration, last = Math.Max(history[^1].Iteration, first + 1);
        int X(int iteration) => x0 + 1 + (int)Math.Round((double)(iteration - first) / (last - first) * (width - 3));
        int Y(double v) => y0 + height - 2 - (int)Math.Round((v - min) / (max - min) * (height - 3));

        for (int g = 1; g < 4; g++)
        {
            int gy = y0 + g * height / 4;
            canvas.Line(x0 + 1, gy, x0 + width - 2, gy, Grid);
        }

        canvas.Text(x0 - 46, y0, Format(max), Axis);
        canvas.Text(x0 - 46, y0 + height - 7, Format(min), Axis);
        canvas.Text(x0, y0 + height + 6, first.ToString(CultureInfo.InvariantCulture), Axis);
        string lastLabel = $"{last} it";
        canvas.Text(x0 + width - Canvas.TextWidth(lastLabel), y0 + height + 6, lastLabel, Axis);

        for (int s = 0; s < values.Length; s++)
        {
            double[] raw = values[s];
            double[] smooth = MovingAverage(raw, Math.Max(1, raw.Length / 25));
            for (int pass = 0; pass < 2; pass++)
            {
                double[] v = pass == 0 ? raw : smooth;
                Rgb24 colour = pass == 0 ? Faint[s] : Strong[s];
                for (int i = 1; i < v.Length; i++)
                {
                    if (double.IsFinite(v[i - 1]) && double.IsFinite(v[i]))
                    {
                        canvas.Line(X(history[i - 1].Iteration), Y(v[i - 1]), X(history[i].Iteration), Y(v[i]), colour, pass == 0 ? 1 : 2);
                    }
                }
            }
        }
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

    private static string Format(double v) => Math.Abs(v) >= 100 || (Math.Abs(v) < 0.01 && v != 0)
        ? v.ToString("0.0e0", CultureInfo.InvariantCulture)
        : v.ToString("0.000", CultureInfo.InvariantCulture);
}
