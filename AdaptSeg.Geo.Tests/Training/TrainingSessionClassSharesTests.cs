using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Training;

/// <summary>log.jsonl's class shares: on the last line before every checkpoint, over the iterations since the previous one.</summary>
public sealed class TrainingSessionClassSharesTests
{
    private const int Bands = 3, Classes = 4, Size = 16, Pixels = 2 * Size * Size;

    [Fact]
    public void Run_Adapted_CheckpointLinesCarryTheSharesOfEveryTargetBatchSinceTheLastOne()
    {
        using var temp = new TempDirectory();
        TrainingOutcome outcome = Train(temp.File("run"), new TrainerSettings { ScheduleIterations = 10 }, iterations: 5);

        var log = TrainingLog.Read(Path.Combine(temp.File("run"), "log.jsonl"));
        Assert.Equal([1, 3, 4], log.Where(e => e.ClassShares is not null).Select(e => e.Iteration)); // checkpoints after 2, 4 and the end (5)
        var shares = log.Where(e => e.ClassShares is not null).Select(e => e.ClassShares!).ToList();
        Assert.Equal([0, 2, 4], shares.Select(s => s.FromIteration));
        Assert.All(shares, s => Assert.Equal(TrainingLog.Shares.FromTraining, s.TargetFrom));
        Assert.Equal([2L * Pixels, 2L * Pixels, Pixels], shares.Select(s => s.TargetPixels));
        Assert.All(shares, s => Assert.Equal(1.0, s.Target.Sum(), 3));

        // The source shares are those of the labels the batch source gave for those iterations.
        long[] labels = SourceLabelCounts(2, 3);
        Assert.Equal(labels.Sum(), shares[1].SourcePixels);
        Assert.Equal(labels.Select(c => Math.Round((double)c / labels.Sum(), 4)), shares[1].Source);

        Assert.Equal(5L * Pixels, outcome.Counts!.TargetPixels);
        Assert.Equal(SourceLabelCounts(0, 1, 2, 3, 4), outcome.Counts.SourceLabels);
    }

    [Fact]
    public void Run_SourceOnly_SharesOfTheCheckpointIterationsBatchOnly()
    {
        using var temp = new TempDirectory();
        Train(temp.File("run"), new TrainerSettings { SourceOnly = true, ScheduleIterations = 10 }, iterations: 4);

        var shares = TrainingLog.Read(Path.Combine(temp.File("run"), "log.jsonl")).Where(e => e.ClassShares is not null).Select(e => e.ClassShares!).ToList();
        Assert.Equal(2, shares.Count);
        Assert.All(shares, s => Assert.Equal(TrainingLog.Shares.FromCheckpointBatch, s.TargetFrom));
        Assert.All(shares, s => Assert.Equal(Pixels, s.TargetPixels)); // one batch: the checkpoint iteration's
        Assert.Equal(SourceLabelCounts(0, 1).Sum(), shares[0].SourcePixels); // the source over both iterations
    }

    private static long[] SourceLabelCounts(params int[] iterations)
    {
        var counts = new long[Classes];
        foreach (int i in iterations)
        {
            foreach (byte label in new SyntheticBatchSource(Bands, Classes, Size).Load(i)[0].SourceLabels.Where(l => l < Classes))
            {
                counts[label]++;
            }
        }

        return counts;
    }

    private static TrainingOutcome Train(string folder, TrainerSettings settings, int iterations)
    {
        using var net = new TinyMultiLevelNetwork(Bands, Classes);
        using var d1 = new TinyDiscriminator(Classes);
        using var d2 = new TinyDiscriminator(Classes);
        foreach (nn.Module m in new nn.Module[] { net, d1, d2 })
        {
            m.to(ScalarType.Float64);
            FormulaWeights.Apply(m); // not torch's global RNG, which tests running in parallel share
        }

        nn.Module<Tensor, Tensor>[] discriminators = settings.UsesDiscriminators ? [d1, d2] : [];
        using var trainer = new AdversarialTrainer(net, discriminators, settings);
        var session = new TrainingSession(net, discriminators, trainer, new SyntheticBatchSource(Bands, Classes, Size), CPU,
            new TrainingRunOptions(folder, iterations, CheckpointEvery: 2, ConfigJson: "{}", LoadAhead: 2));
        return session.Run(0);
    }
}
