using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Tests.Data;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using Xunit.Abstractions;

namespace AdaptSeg.Geo.Tests.Training;

/// <summary>An experiment on the prepared demo data that starts a torchvision-backbone network from an RGB initialisation.</summary>
public sealed class ExperimentInitTests(PreparedSampleFixture sample, ITestOutputHelper output) : IClassFixture<PreparedSampleFixture>
{
    private ExperimentConfig Config(InitConfig init) => new()
    {
        Classes = sample.Dataset.ClassNames,
        Data = new DataConfig { Prepared = sample.Dataset.Folder, TileSize = 64, LoaderThreads = 0 },
        Model = new ModelConfig
        {
            Backbone = BackboneKind.TorchvisionResNet,
            OutputStride = 16,
            Blocks = [1, 1, 1, 1],
            TrainableBatchNorm = true,
            Init = init,
            DiscriminatorWidth = 8,
        },
        Training = new TrainingConfig { Iterations = 1, ScheduleIterations = 1, Device = "cpu" },
    };

    [Fact]
    public void Create_RgbInitOnTheDemosRedNirGreen_BandsMappedByNameAndTheModelRecordsTheBackbone()
    {
        using var temp = new TempDirectory();
        var init = new InitConfig { Path = TestPaths.Fixture("torchvision_resnet50_partial_formula.pth"), Bands = ["red", "green", "blue"] };

        using Experiment experiment = Experiment.Create(Config(init), temp.File("exp.json"));
        string report = experiment.InitReport!.Describe();
        output.WriteLine(report);

        Assert.Equal([0, (int?)null, 1], experiment.InitReport.BandMapping!.Select(b => b.Channel));
        Assert.Contains("band 2 nir   <- mean of the 3 channels (the file has no 'nir')", report);
        Assert.Equal(BackboneKind.TorchvisionResNet, experiment.Network.Options.Backbone);
        Assert.True(experiment.Network.Options.TrainableBatchNorm);
        ModelDescription description = experiment.Describe(0);
        Assert.Equal(BackboneKind.TorchvisionResNet, description.Backbone);
        Assert.Equal(16, description.OutputStride);
        Assert.True(description.TrainableBatchNorm);
        Assert.Equal(["red", "nir", "green"], description.BandNames);
    }

    [Fact]
    public void Create_InitBandsOfTheWrongCount_ConfigErrorAtModelInitBands()
    {
        using var temp = new TempDirectory();
        var init = new InitConfig { Path = TestPaths.Fixture("torchgeo_style_conv1_13b.pth"), Bands = ["red", "green", "blue"] };

        var e = Assert.Throws<ConfigException>(() => Experiment.Create(Config(init), temp.File("exp.json")));

        Assert.StartsWith("$.model.init.bands: 3 band name(s) for the 13 input channel(s)", Assert.Single(e.Problems));
    }
}
