using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Tests.Inference;

public sealed class ClassCountingSinkTests
{
    [Fact]
    public void WriteRows_RowsWithNodata_CountsEachClassAndPassesTheRowsOn()
    {
        var inner = new RecordingSink();
        var sink = new ClassCountingSink(inner, classCount: 3);

        sink.WriteRows(0, 2, [0, 1, 1, 255, 2, 2, 2, 1], new float[2 * 3 * 4]);
        sink.WriteRows(2, 1, [255, 255, 0, 2], new float[3 * 4]);

        Assert.Equal([2L, 3, 4], sink.Counts);
        Assert.Equal([(0, 2), (2, 1)], inner.Rows);
        Assert.Equal([0.2222222222222222, 0.3333333333333333, 0.4444444444444444], AdaptSeg.Geo.Evaluation.ClassShares.Of(sink.Counts));
    }

    [Fact]
    public void Constructor_NoClassOrMoreThan255_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassCountingSink(new RecordingSink(), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassCountingSink(new RecordingSink(), 256));
    }

    private sealed class RecordingSink : IPredictionSink
    {
        public List<(int First, int Count)> Rows { get; } = [];

        public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> classes, ReadOnlySpan<float> probabilities) => Rows.Add((firstRow, rowCount));
    }
}
