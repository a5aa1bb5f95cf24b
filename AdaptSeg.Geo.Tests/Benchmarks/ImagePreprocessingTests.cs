using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class ImagePreprocessingTests
{
    private const float MeanB = 104.00698793f, MeanG = 116.66876762f, MeanR = 122.67891434f;

    [Fact]
    public void RgbToBgrMinusMean_TwoPixels_PlanesAreBlueGreenRedEachMinusItsMean()
    {
        byte[] rgb = [10, 20, 30, 200, 100, 50];
        var chw = new float[6];
        ImagePreprocessing.RgbToBgrMinusMean(rgb, chw);
        Assert.Equal(new[] { 30 - MeanB, 50 - MeanB, 20 - MeanG, 100 - MeanG, 10 - MeanR, 200 - MeanR }, chw);
    }

    [Fact]
    public void LoadBgrMinusMean_AlreadyTargetSize_KeepsEveryPixelExactly()
    {
        using var temp = new TempDirectory();
        string path = temp.File("a.png");
        SyntheticPng.Rgb(path, 5, 3, (x, y) => ((byte)(40 * x), (byte)(60 * y), (byte)(x + y)));
        float[] chw = ImagePreprocessing.LoadBgrMinusMean(path, 5, 3);
        Assert.Equal(45, chw.Length);
        int n = 15;
        for (int y = 0; y < 3; y++)
        {
            for (int x = 0; x < 5; x++)
            {
                int i = y * 5 + x;
                Assert.Equal(x + y - MeanB, chw[i]);
                Assert.Equal(60 * y - MeanG, chw[n + i]);
                Assert.Equal(40 * x - MeanR, chw[2 * n + i]);
            }
        }
    }

    [Fact]
    public void LoadTensor_OtherSize_IsResizedToRequestedWidthAndHeight()
    {
        using var temp = new TempDirectory();
        string path = temp.File("b.png");
        SyntheticPng.Rgb(path, 12, 6, (_, _) => (90, 150, 210));
        using var tensor = ImagePreprocessing.LoadTensor(path, 8, 3);
        Assert.Equal(new long[] { 3, 3, 8 }, tensor.shape);

        // A constant image stays constant under bicubic resampling.
        Assert.Equal(210 - MeanB, tensor[0].min().item<float>(), 4);
        Assert.Equal(210 - MeanB, tensor[0].max().item<float>(), 4);
        Assert.Equal(150 - MeanG, tensor[1].mean().item<float>(), 4);
        Assert.Equal(90 - MeanR, tensor[2].mean().item<float>(), 4);
    }

    [Fact]
    public void LoadBgrMinusMean_Downscale_IsSmoothedBicubicNotNearest()
    {
        // A one-pixel-wide white line on black: nearest would keep 255 or drop it; an antialiasing
        // bicubic (Pillow's and ImageSharp's) spreads it into a grey between 0 and 255.
        using var temp = new TempDirectory();
        string path = temp.File("line.png");
        SyntheticPng.Rgb(path, 16, 4, (x, _) => x == 7 ? ((byte)255, (byte)255, (byte)255) : ((byte)0, (byte)0, (byte)0));
        float[] chw = ImagePreprocessing.LoadBgrMinusMean(path, 4, 4);
        float peak = chw.Take(4).Max() + MeanB;
        Assert.InRange(peak, 20f, 200f);
    }

    [Fact]
    public void LoadBgrMinusMean_19x10To7x4_WithinOneGreyLevelOfPillowBicubic()
    {
        // Pillow 9.4 Image.resize((7, 4), BICUBIC) of this image, measured (R, G, B planes, rows).
        int[][] pillowR = [[161, 157, 81, 129, 174, 97, 96], [84, 89, 192, 127, 65, 169, 171], [148, 145, 100, 129, 156, 110, 109], [154, 151, 90, 129, 165, 104, 103]];
        int[][] pillowG = [[191, 92, 44, 131, 213, 159, 61], [138, 51, 79, 186, 202, 100, 43], [77, 50, 142, 214, 150, 53, 70], [45, 89, 194, 195, 90, 46, 125]];
        int[][] pillowB = [[2, 9, 15, 22, 28, 37, 48], [9, 34, 60, 88, 120, 130, 104], [16, 61, 111, 148, 113, 78, 95], [23, 87, 152, 81, 79, 120, 86]];
        using var temp = new TempDirectory();
        string path = temp.File("small.png");
        SyntheticPng.Rgb(path, 19, 10, (x, y) => (
            (byte)Math.Round(128 + 100 * Math.Sin(0.7 * x) * Math.Cos(0.9 * y)),
            (byte)Math.Round(128 + 90 * Math.Cos(0.5 * x + 0.3 * y)),
            (byte)(x * y * 3 % 200)));

        float[] chw = ImagePreprocessing.LoadBgrMinusMean(path, 7, 4);
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 7; x++)
            {
                int i = y * 7 + x;
                Assert.InRange(chw[i] + MeanB - pillowB[y][x], -1.0001f, 1.0001f);
                Assert.InRange(chw[28 + i] + MeanG - pillowG[y][x], -1.0001f, 1.0001f);
                Assert.InRange(chw[56 + i] + MeanR - pillowR[y][x], -1.0001f, 1.0001f);
            }
        }
    }

    [Fact]
    public void ResizeNearest_DownAndUp_UsesPillowSamplingPositions()
    {
        // floor((x + 0.5) * src / dst): 5 -> 3 takes columns 0, 2, 4; 2 -> 4 takes 0, 0, 1, 1.
        byte[] row5 = [10, 11, 12, 13, 14];
        Assert.Equal(new byte[] { 10, 12, 14 }, ImagePreprocessing.ResizeNearest(row5, 5, 1, 3, 1));
        byte[] row2 = [1, 2];
        Assert.Equal(new byte[] { 1, 1, 2, 2 }, ImagePreprocessing.ResizeNearest(row2, 2, 1, 4, 1));

        // GTA5 1914x1052 -> 1280x720: column 1279 takes source column floor(1279.5 * 1914 / 1280) = 1913.
        var wide = new byte[1914];
        wide[1913] = 9;
        wide[1912] = 8;
        Assert.Equal(9, ImagePreprocessing.ResizeNearest(wide, 1914, 1, 1280, 1)[1279]);

        // Where a position falls on a whole pixel, Pillow's running sum decides: Pillow 9.4 resizing
        // 1280 -> 1914 gives column 478 source 319 and column 1435 source 959 ((x + 0.5)·s would give 320, 960).
        byte[] ramp = Enumerable.Range(0, 1280).Select(i => (byte)(i % 256)).ToArray();
        byte[] up = ImagePreprocessing.ResizeNearest(ramp, 1280, 1, 1914, 1);
        Assert.Equal(319 % 256, up[478]);
        Assert.Equal(959 % 256, up[1435]);
        Assert.Equal(320 % 256, up[479]);
    }

    [Fact]
    public void LoadBgrMinusMean_MissingFile_ThrowsNamingIt()
    {
        var e = Assert.Throws<CityscapesDataException>(() => ImagePreprocessing.LoadBgrMinusMean("/nowhere/x.png", 4, 4));
        Assert.Contains("/nowhere/x.png", e.Message);
    }
}
