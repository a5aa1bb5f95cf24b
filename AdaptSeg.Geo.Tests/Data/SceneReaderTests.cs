using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Tests.Data;

public sealed class SceneReaderTests(PreparedSampleFixture sample) : IClassFixture<PreparedSampleFixture>
{
    [Fact]
    public void ReadImageAndLabels_CornerWindowOfRotatedScene_InvalidPixelsAreNaNAnd255()
    {
        // Landsat (UTM 25S) on the CBERS grid (UTM 22S) is rotated: the frame's corners hold no data.
        PreparedScene scene = sample.Dataset.Source.Scenes[0];
        using SceneReader reader = SceneReader.Open(scene);
        var window = new PixelWindow(0, 0, 64, 48);
        (float[] image, bool[] valid) = reader.ReadImage(window);
        byte[] labels = reader.ReadLabels(window);

        Assert.Equal(3 * 64 * 48, image.Length);
        Assert.Contains(valid, v => !v);
        Assert.Contains(valid, v => v);
        for (int i = 0; i < valid.Length; i++)
        {
            if (!valid[i])
            {
                Assert.Equal(255, labels[i]);
                Assert.True(float.IsNaN(image[i]) && float.IsNaN(image[valid.Length + i]) && float.IsNaN(image[2 * valid.Length + i]));
            }
            else
            {
                Assert.False(float.IsNaN(image[i]));
            }
        }

        Assert.Contains(labels, v => v <= 2);
        var withMask = new byte[valid.Length];
        reader.ReadLabels(window, withMask, valid);
        Assert.Equal(labels, withMask);
    }

    [Fact]
    public void ReadLabels_SceneWithoutLabels_Throws()
    {
        PreparedScene scene = sample.Dataset.Target.Scenes[0] with { LabelPath = null };
        using SceneReader reader = SceneReader.Open(scene);
        Assert.False(reader.HasLabels);
        Assert.Throws<InvalidOperationException>(() => reader.ReadLabels(new PixelWindow(0, 0, 4, 4)));
    }
}
