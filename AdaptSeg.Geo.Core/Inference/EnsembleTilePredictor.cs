
namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Several predictors as one: the mean of their softmax probabilities, tile by tile. Blending is
/// linear, so blending the mean equals the mean of each model's blended probabilities.
/// </summary>
public sealed class EnsembleTilePredictor : ITilePredictor
{
    private readonly ITilePredictor[] members;
    private float[] scratch = [];

    /// <summary>Averages <paramref name="members"/>, which must agree on classes and bands.</summary>
    public EnsembleTilePredictor(IReadOnlyList<ITilePredictor> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0)
        {
            throw new ArgumentException("Give at least one model.", nameof(members));
        }

        ITilePredictor first = members[0];
        for (int i = 1; i < members.Count; i++)
        {
            if (members[i].ClassCount != first.ClassCount || members[i].BandCount != first.BandCount)
            {
                throw new ArgumentException(
                    $"Model {i + 1} predicts {members[i].ClassCount} classes from {members[i].BandCount} bands, model 1 {first.ClassCount} from {first.BandCount}; average only models trained on the same classes and bands.",
                    nameof(members));
            }
        }

        this.members = [.. members];
    }

    public int ClassCount => members[0].ClassCount;

    public int BandCount => members[0].BandCount;

    public void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities)
    {
        members[0].Predict(input, batch, height, width, probabilities);
        if (members.Length == 1)
        {
            return;
        }

        if (scratch.Length < probabilities.Length)
        {
            scratch = new float[probabilities.Length];
        }

        Span<float> other = scratch.AsSpan(0, probabilities.Length);
        for (int m = 1; m < members.Length; m++)
        {
            members[m].Predict(input, batch, height, width, other);
            for (int i = 0; i < probabilities.Length; i++)
            {
                probabilities[i] += other[i];
            }
        }

        float scale = 1f / members.Length;
        for (int i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] *= scale;
        }
    }
}
