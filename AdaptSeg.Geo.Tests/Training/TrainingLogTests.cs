using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Tests.Training;

public sealed class TrainingLogTests
{
    private static string Line(int i) => TrainingLog.Format(new TrainingLog.Entry(i, 1, 2, 3, 4, 5, 6, 0.1, 0.5));

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
