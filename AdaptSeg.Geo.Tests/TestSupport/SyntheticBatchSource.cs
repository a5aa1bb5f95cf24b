using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>Deterministic batches from formulas of the iteration number (no files), for trainer tests.</summary>
public sealed class SyntheticBatchSource(int bands, int classes, int size) : IBatchSource
{
    public IReadOnlyList<BatchData> Load(int iteration)
    {
        int n = bands * size * size;
        var source = new float[2 * n];
        var target = new float[2 * n];
        var labels = new byte[2 * size * size];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = (float)(2 * Math.Sin(0.05 * i + 0.5 * iteration));
            target[i] = (float)(1.5 * Math.Cos(0.07 * i + 0.3 * iteration) + 0.2);
        }

        for (int i = 0; i < labels.Length; i++)
        {
            int v = (7 * i + iteration) % (classes + 1);
            labels[i] = v >= classes ? (byte)255 : (byte)v;
        }

        return [new BatchData(2, bands, size, size, source, labels, size, size, target)];
    }
}
