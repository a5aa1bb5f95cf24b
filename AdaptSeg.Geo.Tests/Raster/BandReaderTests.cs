using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Raster;

public sealed class BandReaderTests
{
    public static TheoryData<RasterDataType, double> Types => new()
    {
        { RasterDataType.Byte, 0 },
        { RasterDataType.UInt16, 65535 },
        { RasterDataType.Int16, -32768 },
        { RasterDataType.Float32, -9999 },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void Read_AnyBandNoData_PixelInvalidAndValuesInBandMapOrder(RasterDataType type, double noData)
    {
        using var temp = new TempDirectory();
        string path = temp.File($"{type}.tif");
        const int w = 7, h = 5;
        using (GdalDataset ds = GdalDataset.Create("GTiff", path, w, h, 3, type, ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"]))
        {
            for (int b = 1; b <= 3; b++)
            {
                var values = Enumerable.Range(0, w * h).Select(i => (double)(b * 50 + i)).ToArray();
                if (b == 2)
                {
                    values[3] = noData; // pixel 3 is nodata in band 2 only
                }

                if (b == 3)
                {
                    values[10] = noData; // pixel 10 is nodata in band 3 only
                }

                ds.Write<double>(b, new PixelWindow(0, 0, w, h), values);
                ds.SetNoData(b, noData);
            }
        }

        using BandReader reader = BandReader.Open(path, BandMap.Parse("3,1,2"));
        Assert.All(reader.DataTypes, t => Assert.Equal(type, t));
        var window = new PixelWindow(0, 0, w, h);
        var data = new float[3 * w * h];
        var valid = new bool[w * h];
        int count = reader.Read(window, data, valid);

        Assert.Equal(w * h - 2, count);
        Assert.False(valid[3]);
        Assert.False(valid[10]);
        Assert.True(valid[4]);
        Assert.Equal(150 + 4, data[4]);          // channel 0 = file band 3
        Assert.Equal(50 + 4, data[w * h + 4]);  // channel 1 = file band 1
        Assert.Equal(100 + 4, data[2 * w * h + 4]);
    }

    [Fact]
    public void Read_Window_EqualsSameRegionOfFullRead()
    {
        using BandReader reader = BandReader.Open(TestPaths.SampleData("L7_ETMs.tif"), BandMap.Parse("3,4,2"));
        var full = new float[3 * reader.Width * reader.Height];
        reader.Read(new PixelWindow(0, 0, reader.Width, reader.Height), full, new bool[reader.Width * reader.Height]);
        var window = new PixelWindow(40, 30, 17, 9);
        var part = new float[3 * window.Area];
        var valid = new bool[window.Area];
        Assert.Equal(window.Area, reader.Read(window, part, valid));
        int area = reader.Width * reader.Height;
        for (int c = 0; c < 3; c++)
        {
            for (int r = 0; r < window.Height; r++)
            {
                for (int x = 0; x < window.Width; x++)
                {
                    Assert.Equal(full[c * area + (window.Row + r) * reader.Width + window.Column + x], part[c * window.Area + r * window.Width + x]);
                }
            }
        }
    }

    [Fact]
    public void Read_AlphaBandMask_MaskedPixelsInvalid()
    {
        using var temp = new TempDirectory();
        string path = temp.File("alpha.tif");
        using (GdalDataset ds = GdalDataset.Create("GTiff", path, 4, 4, 2, RasterDataType.Byte, ["ALPHA=YES"]))
        {
            ds.Write<byte>(1, new PixelWindow(0, 0, 4, 4), Enumerable.Repeat((byte)7, 16).ToArray());
            byte[] alpha = Enumerable.Repeat((byte)255, 16).ToArray();
            alpha[5] = 0;
            ds.Write<byte>(2, new PixelWindow(0, 0, 4, 4), alpha);
        }

        using BandReader reader = BandReader.Open(path, BandMap.Parse("1"));
        Assert.True(reader.HasMaskBand);
        var valid = new bool[16];
        Assert.Equal(15, reader.Read(new PixelWindow(0, 0, 4, 4), new float[16], valid));
        Assert.False(valid[5]);
    }

    [Fact]
    public void Open_BandMapBeyondBandCount_ThrowsNamingFileAndBand()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BandReader.Open(TestPaths.SampleData("cbers_rgb342_crop1.tif"), BandMap.Parse("1,2,4")));
        Assert.Contains("cbers_rgb342_crop1.tif", e.Message);
        Assert.Contains("Band 4", e.Message);
    }

    [Theory]
    [InlineData("3,4,2", new[] { 3, 4, 2 })]
    [InlineData(" 1 , 2 ", new[] { 1, 2 })]
    public void Parse_BandList_KeepsOrder(string text, int[] expected) => Assert.Equal(expected, BandMap.Parse(text).Bands);

    [Theory]
    [InlineData("3,x")]
    [InlineData("0,1")]
    [InlineData("")]
    public void Parse_Invalid_Throws(string text)
    {
        Exception? e = Record.Exception(() => BandMap.Parse(text));
        Assert.True(e is FormatException or ArgumentException, $"got {e?.GetType().Name ?? "no exception"}");
    }
}
