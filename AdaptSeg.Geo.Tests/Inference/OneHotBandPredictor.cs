using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Tiling;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Inference;

/// <summary>
/// The model-free predictor for tests: reads the label value carried by band 1 of each input
/// tile and answers one-hot probabilities for it (values outside the classes give class 0).
/// The stitched output must then reproduce the label raster exactly.
/// </summary>
public sealed class OneHotBandPredictor(int classCount, int bandCount = 1) : ITilePredictor
{
    public int ClassCount { get; } = classCount;

    public int BandCount { get; } = bandCount;

    public int Calls { get; private set; }

    public int TilesPredicted { get; private set; }

    public void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities)
    {
        Calls++;
        TilesPredicted += batch;
        int plane = height * width;
        Assert.Equal(batch * BandCount * plane, input.Length);
        Assert.Equal(batch * ClassCount * plane, probabilities.Length);
        probabilities.Clear();
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> labels = input.Slice(b * BandCount * plane, plane);
            Span<float> output = probabilities.Slice(b * ClassCount * plane, ClassCount * plane);
            for (int p = 0; p < plane; p++)
            {
                int c = (int)labels[p];
                output[(c >= 0 && c < ClassCount ? c : 0) * plane + p] = 1f;
            }
        }
    }
}
