using AdaptSeg.Geo.Evaluation;

namespace AdaptSeg.Geo.Tests.Evaluation;

public sealed class ConfusionMatrixTests
{
    [Fact]
    public void Metrics_SmallExample_MatchHandComputedValues()
    {
        // reference: 0 0 0 1 1 2 255 2 ; prediction: 0 1 0 1 2 2 0 255
        var m = new ConfusionMatrix(3);
        m.Add([0, 0, 0, 1, 1, 2, 255, 2], [0, 1, 0, 1, 2, 2, 0, 255]);

        // By hand: rows reference, columns prediction.
        // [0,0]=2 [0,1]=1 ; [1,1]=1 [1,2]=1 ; [2,2]=1 ; one ignored, one unpredicted.
        Assert.Equal(2, m[0, 0]);
        Assert.Equal(1, m[0, 1]);
        Assert.Equal(1, m[1, 1]);
        Assert.Equal(1, m[1, 2]);
        Assert.Equal(1, m[2, 2]);
        Assert.Equal(6, m.Total);
        Assert.Equal(1, m.UnpredictedPixels);

        double[] iou = m.IoU();
        Assert.Equal(2.0 / 3.0, iou[0], 12); // 2 / (3 + 2 - 2)
        Assert.Equal(1.0 / 3.0, iou[1], 12); // 1 / (2 + 2 - 1)
        Assert.Equal(1.0 / 2.0, iou[2], 12); // 1 / (1 + 2 - 1)
        Assert.Equal((2.0 / 3 + 1.0 / 3 + 0.5) / 3, m.MeanIoU(), 12);
        Assert.Equal(4.0 / 6.0, m.PixelAccuracy(), 12);
        Assert.Equal([1.0, 0.5, 0.5], m.Precision());
        Assert.Equal([2.0 / 3.0, 0.5, 1.0], m.Recall());
    }

    [Fact]
    public void MeanIoU_ClassAbsentEverywhere_IsLeftOutLikeNanmean()
    {
        var m = new ConfusionMatrix(4);
        m.Add([0, 0, 1, 1], [0, 0, 1, 1]);
        Assert.True(double.IsNaN(m.IoU()[2]));
        Assert.Equal(1.0, m.MeanIoU());
    }

    [Fact]
    public void Add_MergedMatrices_EqualOneMatrixOverAllPixels()
    {
        byte[] r = [0, 1, 2, 1, 0, 2, 2, 1];
        byte[] p = [0, 2, 2, 1, 1, 2, 0, 1];
        var whole = new ConfusionMatrix(3);
        whole.Add(r, p);
        var a = new ConfusionMatrix(3);
        var b = new ConfusionMatrix(3);
        a.Add(r.AsSpan(0, 3), p.AsSpan(0, 3));
        b.Add(r.AsSpan(3), p.AsSpan(3));
        a.Add(b);
        Assert.Equal(whole.IoU(), a.IoU());
    }
}
