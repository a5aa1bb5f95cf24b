using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using AdaptSeg.Geo.Visualisation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Tests.Visualisation;

public sealed class QuicklookTests
{
    private static readonly Rgb24[] Colours = [new(30, 90, 200), new(40, 160, 60), new(210, 180, 140)];
    private static readonly Rgb24 Blue = new(31, 119, 180), Red = new(214, 39, 40);

    [Fact]
    public void Save_ImageAndLabels_PanelsShowClassColours()
    {
        using var temp = new TempDirectory();
        string png = temp.File("ql.png");
        Quicklook.Save(png, TestPaths.SampleData("L7_ETMs.tif"), [4, 3, 2],
            [("labels", TestPaths.SampleData("L7_ETMs_labels.tif"))], Colours, "landsat", panelWidth: 200);

        using var image = Image.Load<Rgb24>(png);
        Assert.Equal(2 * (200 + 12) + 12, image.Width);
        // Every pixel of the mask panel is one of the class colours (the Landsat labels have no ignore).
        int x0 = 12 + 200 + 12, y0 = 12 + 22;
        var seen = new HashSet<Rgb24>();
        for (int y = y0; y < y0 + 150; y++)
        {
            for (int x = x0; x < x0 + 200; x++)
            {
                seen.Add(image[x, y]);
            }
        }

        Assert.Equal(Colours.ToHashSet(), seen);
        Assert.True(Enumerable.Range(12, 200).Count(x => Dark(image[x, 20])) > 3, "the image panel's title is drawn");
        Assert.Equal(["ql.png"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void LossPlot_DecreasingAndIncreasingLosses_CurvesFollowTheData()
    {
        using var temp = new TempDirectory();
        const int n = 200;
        // Segmentation panel: aux (blue) falls 2.0 -> 0.5, main (red) rises 0.2 -> 1.0; the others are flat.
        var history = Enumerable.Range(0, n)
            .Select(i => (i * 10, new StepLosses(2.0 - 1.5 * i / (n - 1), 0.2 + 0.8 * i / (n - 1), 0.7, 0.69, 0.6, 0.65)))
            .ToList();

        LossHistoryPlot.Save(temp.File("losses.png"), history, "test run");

        using var image = Image.Load<Rgb24>(temp.File("losses.png"));
        Assert.Equal((3 * LossPlot.PanelWidth, LossPlot.TitleHeight + LossPlot.PanelHeight), (image.Width, image.Height));
        var blue = Trace(image, Blue, 0);
        var red = Trace(image, Red, 0);
        Assert.True(blue.Columns > 250, $"the aux curve covers {blue.Columns} columns");
        Assert.True(red.Columns > 250, $"the main curve covers {red.Columns} columns");
        Assert.True(blue.Slope > 0.3 && blue.R2 > 0.97, $"falling loss: the curve goes down the image in a straight line (slope {blue.Slope:F2}, R² {blue.R2:F3})");
        Assert.True(red.Slope < -0.1 && red.R2 > 0.97, $"rising loss: the curve goes up the image in a straight line (slope {red.Slope:F2}, R² {red.R2:F3})");
        Assert.InRange(blue.Slope / red.Slope, -1.5 / 0.8 * 1.1, -1.5 / 0.8 * 0.9); // one y scale for both: slopes in the data's ratio
        Assert.True(blue.Span > 0.5 * LossPlot.PanelHeight, $"the axis is scaled to the data (the curve spans {blue.Span:F0} px)");
        Assert.Equal([1.0, 1.5, 2.5], LossPlot.MovingAverage([1.0, 2.0, 3.0], 2));
        Assert.Equal(["losses.png"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void EvaluationPlot_BarsAreProportionalToIoUAndTheHeatmapHasTheDiagonal()
    {
        using var temp = new TempDirectory();
        string png = temp.File("report.png");
        long[,] confusion = { { 90, 10, 0, 0 }, { 0, 80, 20, 0 }, { 5, 0, 95, 0 }, { 0, 0, 0, 0 } };

        EvaluationPlot.Save(png, ["water", "field", "town", "ice"], [0.9, 0.3, 0.6, double.NaN], confusion, "report");

        using var image = Image.Load<Rgb24>(png);
        Assert.Equal((2 * EvaluationPlot.PanelWidth, EvaluationPlot.TitleHeight + EvaluationPlot.PanelHeight), (image.Width, image.Height));
        var bar = new Rgb24(EvaluationPlot.BarColour.R, EvaluationPlot.BarColour.G, EvaluationPlot.BarColour.B);
        List<int> heights = BarHeights(image, bar, 0, EvaluationPlot.PanelWidth);
        Assert.Equal(3, heights.Count); // "ice" is undefined: no bar
        Assert.InRange((double)heights[0] / heights[1], 2.8, 3.2);
        Assert.InRange((double)heights[2] / heights[1], 1.85, 2.15);

        // Heatmap: high cells (viridis yellow-green) lie on the diagonal, top left to bottom right.
        var bright = new List<(double X, double Y)>();
        for (int y = EvaluationPlot.TitleHeight; y < image.Height; y++)
        {
            for (int x = EvaluationPlot.PanelWidth; x < image.Width; x++)
            {
                Rgb24 p = image[x, y];
                if (p.G > 180 && p.B < 110 && p.R > 90)
                {
                    bright.Add((x, y));
                }
            }
        }

        Assert.True(bright.Count > 1000, $"{bright.Count} bright pixels");
        Assert.True(Correlation(bright) > 0.8, $"bright cells correlate {Correlation(bright):F2} along the diagonal");
        Assert.Equal(new double[] { 90, 10, 0, 0 }, Enumerable.Range(0, 4).Select(c => EvaluationPlot.RowPercent(confusion)[0, c]));
        Assert.True(double.IsNaN(EvaluationPlot.RowPercent(confusion)[3, 0]));
    }

    private static bool Dark(Rgb24 p) => p.R < 100 && p.G < 100 && p.B < 100;

    private static bool Near(Rgb24 p, Rgb24 q) => Math.Abs(p.R - q.R) + Math.Abs(p.G - q.G) + Math.Abs(p.B - q.B) < 40;

    /// <summary>Per column of panel <paramref name="panel"/>, the mean row of pixels of <paramref name="colour"/>; a least-squares line through them.</summary>
    private static (int Columns, double Slope, double R2, double Span) Trace(Image<Rgb24> image, Rgb24 colour, int panel)
    {
        var points = new List<(double X, double Y)>();
        for (int x = panel * LossPlot.PanelWidth; x < (panel + 1) * LossPlot.PanelWidth; x++)
        {
            var rows = Enumerable.Range(LossPlot.TitleHeight, LossPlot.PanelHeight).Where(y => Near(image[x, y], colour)).ToList();
            if (rows.Count > 0)
            {
                points.Add((x, rows.Average()));
            }
        }

        if (points.Count < 2)
        {
            return (points.Count, 0, 0, 0);
        }

        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double sxy = points.Sum(p => (p.X - mx) * (p.Y - my)), sxx = points.Sum(p => (p.X - mx) * (p.X - mx)), syy = points.Sum(p => (p.Y - my) * (p.Y - my));
        return (points.Count, sxy / sxx, sxy * sxy / (sxx * syy), points.Max(p => p.Y) - points.Min(p => p.Y));
    }

    private static double Correlation(List<(double X, double Y)> points)
    {
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double sxy = points.Sum(p => (p.X - mx) * (p.Y - my)), sxx = points.Sum(p => (p.X - mx) * (p.X - mx)), syy = points.Sum(p => (p.Y - my) * (p.Y - my));
        return sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Heights in pixels of the runs of columns holding <paramref name="colour"/>, measured at each run's middle column.</summary>
    private static List<int> BarHeights(Image<Rgb24> image, Rgb24 colour, int x0, int x1)
    {
        int Count(int x) => Enumerable.Range(0, image.Height).Count(y => Near(image[x, y], colour));
        var heights = new List<int>();
        int start = -1;
        for (int x = x0; x <= x1; x++)
        {
            bool has = x < x1 && Count(x) > 3;
            if (has && start < 0)
            {
                start = x;
            }
            else if (!has && start >= 0)
            {
                if (x - start > 5)
                {
                    heights.Add(Count((start + x) / 2));
                }

                start = -1;
            }
        }

        return heights;
    }
}
