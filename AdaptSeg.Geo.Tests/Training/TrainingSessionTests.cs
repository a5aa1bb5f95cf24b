using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Training;

public sealed class TrainingSessionTests
{
    private const int Bands = 3, Classes = 4, Size = 16;

    [Fact]
    public void Resume_HalfThenRest_GivesTheSameLossesAsOneRun()
    {
        using var temp = new TempDirectory();
        var straight = Train(temp.File("straight"), iterations: 6, resume: false, formulaInit: true);
        Train(temp.File("split"), iterations: 3, resume: false, formulaInit: true);
        // Fresh objects with a random initialisation: everything must come from the checkpoint.
        var rest = Train(temp.File("split"), iterations: 6, resume: true, formulaInit: false);

        Assert.Equal(6, straight.History.Count);
        Assert.Equal(6, rest.History.Count); // the log of the first half was kept
        for (int i = 3; i < 6; i++)
        {
            Assert.Equal(straight.History[i].Losses, rest.History[i].Losses);
        }

        Assert.Equal(6, TrainingLog.Read(Path.Combine(temp.File("split"), "log.jsonl")).Count);
        Assert.True(File.Exists(Path.Combine(temp.File("split"), "losses.png")));
    }

    [Fact]
    public void Run_Cancelled_WritesACheckpointAndStops()
    {
        using var temp = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            if (p.Iteration == 2)
            {
                cancel.Cancel();
            }
        });
        var outcome = Train(temp.File("run"), iterations: 10, resume: false, formulaInit: true, progress, cancel.Token);
        Assert.True(outcome.Cancelled);
        Assert.Equal(2, outcome.NextIteration);
        Assert.EndsWith("iter-0000002", outcome.LastCheckpoint);
        Assert.Equal(outcome.LastCheckpoint, TrainingCheckpoint.FindLatest(Path.Combine(temp.File("run"), "checkpoints")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(temp.File("run"), "checkpoints"), "*.partial"));
    }

    [Fact]
    public void Run_LossBecomesNonFinite_StopsWithTheIterationLoggedAndTheCheckpointsKept()
    {
        using var temp = new TempDirectory();
        var diverged = Assert.Throws<TrainingDivergedException>(() =>
            Train(temp.File("run"), iterations: 40, resume: false, formulaInit: true, learningRate: 1e30));

        Assert.False(diverged.Losses.AllFinite);
        Assert.Contains($"Training diverged at iteration {diverged.Iteration}", diverged.Message);
        Assert.Contains("learningRate", diverged.Message);
        var log = TrainingLog.Read(Path.Combine(temp.File("run"), "log.jsonl"));
        Assert.Equal(diverged.Iteration + 1, log.Count); // the diverged iteration is the last line, readable
        Assert.False(log[^1].Losses.AllFinite);
        Assert.All(log.Take(log.Count - 1), e => Assert.True(e.Losses.AllFinite));
        Assert.False(File.Exists(Path.Combine(temp.File("run"), "model.pth")));
        if (diverged.LastCheckpoint is not null)
        {
            Assert.Equal(diverged.LastCheckpoint, TrainingCheckpoint.FindLatest(Path.Combine(temp.File("run"), "checkpoints")));
        }
    }

    [Fact]
    public void Step_SourceOnly_HasNoAdversarialOrDiscriminatorLoss()
    {
        using var net = new TinyMultiLevelNetwork(Bands, Classes);
        FormulaWeights.Apply(net);
        using var trainer = new AdversarialTrainer(net, [], new TrainerSettings { SourceOnly = true });
        var b = new SyntheticBatchSource(Bands, Classes, Size).Load(0)[0];
        using var x = tensor(b.SourceImages, [2, Bands, Size, Size]);
        using var y = tensor(b.SourceLabels, [2, Size, Size]).to(ScalarType.Int64);
        using var t = tensor(b.TargetImages, [2, Bands, Size, Size]);
        StepLosses losses = trainer.Step(0, x, y, t);
        Assert.True(losses.SegMain > 0);
        Assert.Equal((0.0, 0.0, 0.0, 0.0), (losses.AdvAux, losses.AdvMain, losses.DiscAux, losses.DiscMain));
    }

    [Fact]
    public void Step_LeastSquares_DiffersFromVanilla()
    {
        StepLosses Run(GanLoss gan)
        {
            // Formula weights, not torch's global RNG: tests run in parallel and share it.
            using var net = new TinyMultiLevelNetwork(Bands, Classes);
            using var d1 = new TinyDiscriminator(Classes);
            using var d2 = new TinyDiscriminator(Classes);
            FormulaWeights.Apply(net);
            FormulaWeights.Apply(d1);
            FormulaWeights.Apply(d2);
            using var trainer = new AdversarialTrainer(net, [d1, d2], new TrainerSettings { GanLoss = gan });
            var b = new SyntheticBatchSource(Bands, Classes, Size).Load(0)[0];
            using var x = tensor(b.SourceImages, [2, Bands, Size, Size]);
            using var y = tensor(b.SourceLabels, [2, Size, Size]).to(ScalarType.Int64);
            using var t = tensor(b.TargetImages, [2, Bands, Size, Size]);
            return trainer.Step(0, x, y, t);
        }

        StepLosses vanilla = Run(GanLoss.Vanilla), leastSquares = Run(GanLoss.LeastSquares);
        Assert.Equal(vanilla.SegMain, leastSquares.SegMain);
        Assert.NotEqual(vanilla.AdvMain, leastSquares.AdvMain);
    }

    private static TrainingOutcome Train(string folder, int iterations, bool resume, bool formulaInit,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, double learningRate = 0.01)
    {
        using var net = new TinyMultiLevelNetwork(Bands, Classes);
        using var d1 = new TinyDiscriminator(Classes);
        using var d2 = new TinyDiscriminator(Classes);
        foreach (nn.Module m in new nn.Module[] { net, d1, d2 })
        {
            m.to(ScalarType.Float64);
            if (formulaInit)
            {
                // Deterministic without torch's global RNG, which tests running in parallel share.
                FormulaWeights.Apply(m);
            }
        }
        using var trainer = new AdversarialTrainer(net, [d1, d2], new TrainerSettings { LearningRate = learningRate, ScheduleIterations = 10 });
        var session = new TrainingSession(net, [d1, d2], trainer, new SyntheticBatchSource(Bands, Classes, Size), CPU,
            new TrainingRunOptions(folder, iterations, CheckpointEvery: 2, ConfigJson: "{}", LoadAhead: 2));
        int start = resume ? session.Resume() : 0;
        return session.Run(start, progress, cancellationToken);
    }
}
