using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Tests.Inference;

/// <summary>
/// A model-free, pixel-wise predictor: class c gets the logit <c>-8 (v - c / (C - 1))²</c> of the
/// band value v, softmaxed. Without spatial context, the blended probabilities equal these per pixel.
/// </summary>
internal sealed class BandSoftmaxPredictor(int classCount) : ITilePredictor
{
    public int ClassCount { get; } = classCount;

    public int BandCount => 1;

    public static void Probabilities(float v, Span<float> output)
    {
        int classes = output.Length;
        float max = float.NegativeInfinity;
        for (int c = 0; c < classes; c++)
        {
            float d = v - (float)c / (classes - 1);
            output[c] = -8f * d * d;
            max = Math.Max(max, output[c]);
        }

        float sum = 0;
        for (int c = 0; c < classes; c++)
        {
            output[c] = MathF.Exp(output[c] - max);
            sum += output[c];
        }

        for (int c = 0; c < classes; c++)
        {
            output[c] /= sum;
        }
    }

    public void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities)
    {
        int plane = height * width;
        Span<float> p = stackalloc float[ClassCount];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < plane; i++)
            {
                Probabilities(input[b * plane + i], p);
                for (int c = 0; c < ClassCount; c++)
                {
                    probabilities[(b * ClassCount + c) * plane + i] = p[c];
                }
            }
        }
    }
}
