namespace AdaptSeg.Geo.Training;

/// <summary>
/// Pixels per class that training saw, as plain numbers: the source labels (ignored pixels left out)
/// and the classes the network's main head predicts (argmax) on the target tiles it forwarded. They
/// come out of <see cref="AdversarialTrainer.Step(int, IReadOnlyList{Data.TrainingBatch}, bool, out ClassCounts)"/>
/// with the losses, in the iteration's one host transfer, and add up over iterations.
/// </summary>
public sealed record ClassCounts(IReadOnlyList<long> SourceLabels, IReadOnlyList<long> TargetPredicted)
{
    /// <summary>No pixel yet, for <paramref name="classes"/> classes.</summary>
    public static ClassCounts None(int classes) => new(new long[classes], new long[classes]);

    /// <summary>Labelled source pixels counted.</summary>
    public long SourcePixels => SourceLabels.Sum();

    /// <summary>Target pixels whose prediction was counted (0 where the step forwarded no target tile).</summary>
    public long TargetPixels => TargetPredicted.Sum();

    /// <summary>Both counts added class by class.</summary>
    public ClassCounts Plus(ClassCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.SourceLabels.Count != SourceLabels.Count || other.TargetPredicted.Count != TargetPredicted.Count)
        {
            throw new ArgumentException($"Counts of {other.SourceLabels.Count} classes cannot be added to counts of {SourceLabels.Count}.", nameof(other));
        }

        return new ClassCounts(
            [.. SourceLabels.Select((c, i) => c + other.SourceLabels[i])],
            [.. TargetPredicted.Select((c, i) => c + other.TargetPredicted[i])]);
    }
}
