using AdaptSeg.Geo.Tests.Cli;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Tests.Training;

public sealed class TensorBoardLogTests(PreparedExperimentFixture prepared) : IClassFixture<PreparedExperimentFixture>
{
    private static readonly (string, double)[] Rates = [("backbone", 1e-3), ("heads", 1e-2)];

    [Fact]
    public void Open_ResumeAfterACrash_CutsEventsPastTheCheckpointAndATornRecord()
    {
        using var temp = new TempDirectory();
        TensorBoardLog first = TensorBoardLog.Open(temp.Path, 0);
        for (int i = 0; i < 6; i++)
        {
            first.Iteration(i, [("segMain", 10 + i)], Rates, 0.5);
        }

        // A crash while writing the 7th iteration leaves half a record.
        string file = TensorBoardLog.EventFiles(temp.Path).Single();
        using (var stream = new FileStream(file, FileMode.Append))
        {
            stream.Write([0x30, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
        }

        // Resumed from the checkpoint after 3 iterations: iterations 4.. run again with other values.
        TensorBoardLog resumed = TensorBoardLog.Open(temp.Path, 3);
        for (int i = 3; i < 6; i++)
        {
            resumed.Iteration(i, [("segMain", 20 + i)], Rates, 0.5);
        }

        var values = TensorBoardEvents.ReadFolder(temp.Path);
        Assert.Equal(2, TensorBoardLog.EventFiles(temp.Path).Count);
        var seg = values.Where(v => v.Tag == "loss/segMain").ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6], seg.Select(v => v.Step));
        Assert.Equal([10f, 11f, 12f, 23f, 24f, 25f], seg.Select(v => v.Scalar!.Value));
        Assert.Equal(6, values.Count(v => v.Tag == "learning_rate/heads"));
        Assert.All(values.Where(v => v.Tag == "time/seconds_per_iteration"), v => Assert.Equal(0.5f, v.Scalar));
    }

    [Fact]
    public void Open_NewRunInAFolderWithOldEvents_LeavesNoneOfThem()
    {
        using var temp = new TempDirectory();
        TensorBoardLog.Open(temp.Path, 0).Iteration(0, [("segMain", 1)], Rates, 0.1);
        TensorBoardLog.Open(temp.Path, 0);
        Assert.Empty(TensorBoardEvents.ReadFolder(temp.Path));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Train_ThenResume_EventsMatchLogJsonlStepForStepWithAQuicklookPerCheckpoint()
    {
        string config = prepared.WriteExperiment("tensorboard");
        string run = prepared.RunFolder("tensorboard");
        var (code, _, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "3", "--device", "cpu", "--set", "training.checkpointEvery=2");
        Assert.True(code == 0, error);
        (code, _, error) = await CliRunner.RunAsync("train", "--config", config, "--iterations", "5", "--device", "cpu", "--set", "training.checkpointEvery=2", "--resume");
        Assert.True(code == 0, error);

        var log = TrainingLog.Read(Path.Combine(run, "log.jsonl"));
        var values = TensorBoardEvents.ReadFolder(run);
        Assert.Equal(2, TensorBoardLog.EventFiles(run).Count); // one per process
        Assert.Equal([0, 1, 2, 3, 4], log.Select(e => e.Iteration));
        string[] losses = ["segAux", "segMain", "advAux", "advMain", "discAux", "discMain"];
        string[] tags = [.. losses.Select(l => "loss/" + l), "learning_rate/backbone", "learning_rate/heads", "learning_rate/discriminator", "time/seconds_per_iteration"];
        Assert.Equal(tags.Order(), values.Where(v => v.Scalar is not null).Select(v => v.Tag).Distinct().Order());
        foreach (string tag in tags)
        {
            var series = values.Where(v => v.Tag == tag).ToList();
            Assert.Equal([1L, 2, 3, 4, 5], series.Select(v => v.Step)); // unique and increasing across the resume
            foreach (TrainingLog.Entry entry in log)
            {
                float logged = (float)(tag switch
                {
                    "learning_rate/backbone" => entry.LearningRate,
                    "learning_rate/heads" => entry.LearningRate * 10,
                    "learning_rate/discriminator" => entry.LearningRate * (1e-4 / 2.5e-3), // the same poly schedule from 1e-4 instead of 2.5e-3
                    "time/seconds_per_iteration" => entry.Seconds,
                    _ => entry.Losses.Named.Single(n => "loss/" + n.Name == tag).Value,
                });
                Assert.Equal(logged, series.Single(v => v.Step == entry.Iteration + 1).Scalar!.Value, 1e-6f * Math.Max(1, Math.Abs(logged)));
            }
        }

        // Quicklooks at the checkpoints after 2, 3 (the first run's end), 4 and 5 iterations: five 96-px panels, doubled.
        var images = values.Where(v => v.Png is not null).ToList();
        Assert.Equal([2L, 3, 4, 5], images.Select(v => v.Step));
        Assert.All(images, v => Assert.Equal("quicklook", v.Tag));
        using var png = Image.Load<Rgb24>(images[^1].Png!);
        Assert.Equal((5 * (192 + 12) + 12, 192 + 22 + 24), (png.Width, png.Height));
        Assert.True(File.Exists(Path.Combine(run, "quicklook.png")));
    }
}
