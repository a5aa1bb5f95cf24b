using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Tests.Training;

public sealed class TrainingLogTests
{
    private static string Line(int i) => TrainingLog.Format(new TrainingLog.Entry(i, 1, 2, 3, 4, 5, 6, 0.1, 0.5));

    [Fact]
    public void Format_EntropyAndPseudoLabelLosses_ReadBackAndNaNKept()
    {
        using var temp = new TempDirectory();
        string log = temp.File("log.jsonl");
        var entry = new TrainingLog.Entry(7, 1, 2, 3, 4, 5, 6, 0.1, 0.5, EntAux: 0.25, EntMain: double.NaN, TargetSegAux: 0.125, TargetSegMain: 0.0625);
        File.WriteAllText(log, TrainingLog.Format(entry) + "\n");

        TrainingLog.Entry read = Assert.Single(TrainingLog.Read(log));

        Assert.Equal((0.25, 0.125, 0.0625), (read.EntAux, read.TargetSegAux, read.TargetSegMain));
        Assert.True(double.IsNaN(read.EntMain));
        Assert.Equal(new StepLosses(1, 2, 3, 4, 5, 6, 0.25, double.NaN, 0.125, 0.0625), read.Losses);
        Assert.DoesNotContain("\"losses\"", File.ReadAllText(log));
    }

    [Fact]
    public void Read_LineOfAnOlderBuild_EntropyAndPseudoLabelLossesAreZero()
    {
        using var temp = new TempDirectory();
        string log = temp.File("log.jsonl");
        File.WriteAllText(log, "{\"iteration\":0,\"segAux\":1,\"segMain\":2,\"advAux\":3,\"advMain\":4,\"discAux\":5,\"discMain\":6,\"learningRate\":0.1,\"seconds\":0.5," +
            "\"losses\":{\"segAux\":1,\"segMain\":2,\"advAux\":3,\"advMain\":4,\"discAux\":5,\"discMain\":6,\"entAux\":0,\"entMain\":0,\"targetSegAux\":0,\"targetSegMain\":0}}\n");

        TrainingLog.Entry read = Assert.Single(TrainingLog.Read(log));

        Assert.Equal(new StepLosses(1, 2, 3, 4, 5, 6), read.Losses);
    }

    [Fact]
    public void Format_ClassShares_ReadBackAndAbsentFromOtherLines()
    {
        using var temp = new TempDirectory();
        string log = temp.File("log.jsonl");
        var shares = new TrainingLog.Shares(100, 36864, [0.1612, 0.3234, 0.5154], 36864, [0, 0.6521, 0.3479], TrainingLog.Shares.FromTraining);
        File.WriteAllText(log, Line(0) + "\n" + TrainingLog.Format(new TrainingLog.Entry(199, 1, 2, 3, 4, 5, 6, 0.1, 0.5, ClassShares: shares)) + "\n");

        var entries = TrainingLog.Read(log);

        Assert.Null(entries[0].ClassShares);
        Assert.DoesNotContain("classShares", Line(0));
        TrainingLog.Shares read = entries[1].ClassShares!;
        Assert.Equal((100, 36864L, 36864L, "training"), (read.FromIteration, read.SourcePixels, read.TargetPixels, read.TargetFrom));
        Assert.Equal([0.1612, 0.3234, 0.5154], read.Source);
        Assert.Equal([0, 0.6521, 0.3479], read.Target);
        Assert.Contains("\"classShares\":{\"fromIteration\":100", File.ReadAllText(log));
    }

    [Fact]
    public void Read_LogOfABuildBeforeClassShares_ReadsWithoutShares()
    {
        using var temp = new TempDirectory();
        string log = temp.File("log.jsonl");
        File.WriteAllText(log, "{\"iteration\":99,\"segAux\":1,\"segMain\":2,\"advAux\":3,\"advMain\":4,\"discAux\":5,\"discMain\":6,\"learningRate\":0.1,\"seconds\":0.5," +
            "\"entAux\":0,\"entMain\":0,\"targetSegAux\":0,\"targetSegMain\":0}\n");

        TrainingLog.Entry read = Assert.Single(TrainingLog.Read(log));

        Assert.Null(read.ClassShares);
        Assert.Equal(new StepLosses(1, 2, 3, 4, 5, 6), read.Losses);
    }

    [Fact]
    public void Read_TornFinalLine_EntriesBeforeItAndTheLineReported()
    {
        using var temp = new TempDirectory();
        string log = temp.File("log.jsonl");
        File.WriteAllText(log, Line(0) + "\n" + Line(1) + "\n" + Line(2)[..20]);

        var entries = TrainingLog.Read(log, out string? torn);

        Assert.Equal([0, 1], entries.Select(e => e.Iteration));
        Assert.Equal(Line(2)[..20], torn);
    }

    [Fact]
    public void TruncateTo_TornFinalLine_Dropped()
    {
        using var temp = new TempDirectory();
        string log = temp.File("log.jsonl");
        File.WriteAllText(log, Line(0) + "\n" + Line(1) + "\n{\"iter");

        var kept = TrainingLog.TruncateTo(log, 5);

        Assert.Equal(2, kept.Count);
        Assert.Equal(Line(0) + "\n" + Line(1) + "\n", File.ReadAllText(log));
    }

    [Fact]
    public void Read_DamagedLineBeforeTheEnd_InvalidDataNamingTheLine()
    {
        using var temp = new TempDirectory();
        string log = temp.File("log.jsonl");
        File.WriteAllText(log, Line(0) + "\n{garbage\n" + Line(2) + "\n");

        var e = Assert.Throws<InvalidDataException>(() => TrainingLog.Read(log));

        Assert.Contains("Line 2 of the training log", e.Message);
        Assert.Contains(log, e.Message);
    }

    [Fact]
    public void RunFolder_MoveAside_MovesTheRunButNotTheInputs()
    {
        using var temp = new TempDirectory();
        string run = temp.File("run");
        Directory.CreateDirectory(Path.Combine(run, "checkpoints", "iter-0000001"));
        File.WriteAllText(Path.Combine(run, "checkpoints", "latest"), "iter-0000001");
        File.WriteAllText(Path.Combine(run, "log.jsonl"), Line(0) + "\n");
        File.WriteAllText(Path.Combine(run, "config.json"), "{ the user's }");
        File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");
        Assert.True(RunFolder.HoldsRun(run));

        string aside = RunFolder.MoveAside(run, [Path.Combine(run, "config.json")]);

        Assert.False(RunFolder.HoldsRun(run));
        Assert.True(RunFolder.HoldsRun(aside));
        Assert.Equal("{ the user's }", File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(run, "notes.txt")));
        Assert.Equal("iter-0000001", File.ReadAllText(Path.Combine(aside, "checkpoints", "latest")));
        Assert.StartsWith(run + ".previous-", aside);
    }
}
