using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using AdaptSeg.Geo.Visualisation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Tests.Visualisation;

public sealed class QuicklookTests
{
    private static readonly Rgb24[] Colours = [new(30, 90, 200), new(40, 160, 60), new(210, 180, 140)];

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
    }

    [Fact]
    public void LossPlot_History_WritesPng()
    {
        using var temp = new TempDirectory();
        var history = Enumerable.Range(0, 50).Select(i => (i, new StepLosses(1.0 / (i + 1), 2.0 / (i + 1), 0.7, 0.69, 0.6, 0.65))).ToList();
        LossPlot.Save(temp.File("losses.png"), history, "test run");
        using var image = Image.Load<Rgb24>(temp.File("losses.png"));
        Assert.True(image.Width > 1000);
        Assert.Equal([1.0, 1.5, 2.5], LossPlot.MovingAverage([1.0, 2.0, 3.0], 2));
    }
}
