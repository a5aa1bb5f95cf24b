using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tiling;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Inference;

/// <summary>Keeps everything the stitcher writes, and checks rows arrive once, top to bottom.</summary>
public sealed class CapturingSink(int width, int height, int classes) : IPredictionSink
{
    public byte[] Classes { get; } = new byte[width * height];

    /// <summary>Class-major: [class][row][column].</summary>
    public float[] Probabilities { get; } = new float[classes * width * height];

    public int NextRow { get; private set; }

    public int Calls { get; private set; }

    public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> rowClasses, ReadOnlySpan<float> probabilities)
    {
        Assert.Equal(NextRow, firstRow);
        Calls++;
        rowClasses.CopyTo(Classes.AsSpan(firstRow * width, rowCount * width));
        for (int r = 0; r < rowCount; r++)
        {
            for (int c = 0; c < classes; c++)
            {
                probabilities.Slice((r * classes + c) * width, width).CopyTo(Probabilities.AsSpan((c * height + firstRow + r) * width, width));
            }
        }

        NextRow = firstRow + rowCount;
    }
}
