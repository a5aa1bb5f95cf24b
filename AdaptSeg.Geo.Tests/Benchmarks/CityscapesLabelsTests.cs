using AdaptSeg.Geo.Benchmarks;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class CityscapesLabelsTests
{
    [Fact]
    public void ToTrainId_ReferenceLabelIds_MapTo0To18AndAllOthersTo255()
    {
        int[] scored = [7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33];
        for (int id = 0; id <= 255; id++)
        {
            int expected = Array.IndexOf(scored, id) is int t && t >= 0 ? t : 255;
            Assert.Equal(expected, CityscapesLabels.ToTrainId(id));
        }

        Assert.Equal(255, CityscapesLabels.ToTrainId(-1));
        Assert.Equal(19, CityscapesLabels.ClassNames.Count);
        Assert.Equal("road", CityscapesLabels.ClassNames[0]);
        Assert.Equal("bicycle", CityscapesLabels.ClassNames[18]);
    }

    [Fact]
    public void MapToTrainIds_VoidValue255AndUnscoredIds_BecomeIgnore()
    {
        byte[] ids = [7, 255, 0, 33, 32, 6];
        var trainIds = new byte[ids.Length];
        CityscapesLabels.MapToTrainIds(ids, trainIds, ids.Length, "x.png");
        Assert.Equal(new byte[] { 0, 255, 255, 18, 17, 255 }, trainIds);
    }

    [Fact]
    public void MapToTrainIds_ValueThatIsNoLabelId_ThrowsNamingFileValueAndPosition()
    {
        byte[] ids = [7, 7, 7, 250, 250, 7];
        var e = Assert.Throws<CityscapesDataException>(() => CityscapesLabels.MapToTrainIds(ids, new byte[6], 3, "/data/labels/00042.png"));
        Assert.Equal("/data/labels/00042.png", e.Path);
        Assert.Contains("/data/labels/00042.png", e.Message);
        Assert.Contains("250", e.Message);
        Assert.Contains("2 pixels", e.Message);
        Assert.Contains("column 0, row 1", e.Message);
    }
}
