using System.Text.Json;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// Everything a training run needs, built from an <see cref="ExperimentConfig"/>: the prepared data,
/// the network and discriminators (seeded), the trainer and the run options. Checks the config
/// against the data (class names and count) and reports every problem with its JSON path.
/// </summary>
public sealed class Experiment : IDisposable
{
    private Experiment(ExperimentConfig config, TrainingData data, DeepLabMulti network, IReadOnlyList<FcDiscriminator> discriminators,
        AdversarialTrainer trainer, Device device, TrainingRunOptions runOptions, ModelInitReport? initReport)
    {
        Config = config;
        TrainingData = data;
        Network = network;
        Discriminators = discriminators;
        Trainer = trainer;
        Device = device;
        RunOptions = runOptions;
        InitReport = initReport;
    }

    public ExperimentConfig Config { get; }
    /// <summary>The training data, as its <see cref="IBatchSourceFactory"/> opened it.</summary>
    public TrainingData TrainingData { get; }

    /// <summary>The prepared GeoTIFF data; null for a benchmark's data.</summary>
    public PreparedDataset? Prepared => TrainingData.Prepared;

    /// <summary>Input bands of the network.</summary>
    public int BandCount => Network.InputBands;
    public DeepLabMulti Network { get; }
    public IReadOnlyList<FcDiscriminator> Discriminators { get; }
    public AdversarialTrainer Trainer { get; }
    public IBatchSource Data => TrainingData.Batches;
    public Device Device { get; }
    public TrainingRunOptions RunOptions { get; }

    /// <summary>What loading the initial weights did (loaded, skipped, not initialised, the band mapping), or null without init weights.</summary>
    public ModelInitReport? InitReport { get; }

    /// <summary>A new session over this experiment.</summary>
    public TrainingSession CreateSession() =>
        new(Network, Discriminators.Cast<nn.Module<Tensor, Tensor>>().ToList(), Trainer, Data, Device, RunOptions);

    /// <summary>The description saved in the exported model file.</summary>
    public ModelDescription Describe(int iterations) => new()
    {
        Classes = Config.Classes,
        InputBands = BandCount,
        Blocks = Network.BlocksPerStage,
        Width = Config.Model.Width,
        Backbone = Config.Model.Backbone,
        OutputStride = Config.Model.OutputStride,
        AsppAllBranches = Config.Model.AsppAllBranches,
        FrozenBatchNormStatistics = Config.Model.FreezeBatchNormStatistics,
        TrainableBatchNorm = Config.Model.TrainableBatchNorm,
        BandNames = TrainingData.BandNames,
        TrainingGrid = TrainingData.Grid,
        SourceStatistics = TrainingData.SourceStatistics,
        TargetStatistics = TrainingData.TargetStatistics,
        TrainingMode = ModeName(Config.Training.Mode),
        Iterations = iterations,
    };

    /// <summary>Reads and checks the configuration file, then builds the experiment.</summary>
    /// <exception cref="ConfigException">Every problem, with its JSON path.</exception>
    public static Experiment Create(string configPath, ExperimentOverrides? overrides = null, IEnumerable<IBatchSourceFactory>? dataSources = null) =>
        Create(JsonConfigReader.Read<ExperimentConfig>(configPath), configPath, overrides, dataSources);

    /// <summary>Checks <paramref name="config"/> and builds the experiment.</summary>
    /// <param name="config">The experiment, read from a file or built in code.</param>
    /// <param name="configPath">Where it lives: relative paths resolve against its folder, its name names the default run folder and messages (the file need not exist).</param>
    /// <param name="overrides">Settings that replace the configuration's.</param>
    /// <param name="dataSources">Data kinds beyond prepared folders (a benchmark's, e.g. <c>BenchmarkBatchSources.All</c>).</param>
    /// <exception cref="ConfigException">Every problem, with its JSON path.</exception>
    public static Experiment Create(ExperimentConfig config, string configPath, ExperimentOverrides? overrides = null,
        IEnumerable<IBatchSourceFactory>? dataSources = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        overrides ??= new ExperimentOverrides();
        config = overrides.Apply(config);
        string baseFolder = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        var problems = ExperimentConfigValidator.Validate(config, baseFolder).ToList();
        if (problems.Count > 0)
        {
            throw new ConfigException(configPath, problems);
        }

        TrainingData data = OpenData(config, baseFolder, configPath, dataSources);
        CheckClasses(configPath, config, data.ClassNames, data.ClassesFrom);
        int bands = data.Bands;

        Device device = TorchRuntime.ResolveDevice(config.Training.Device);
        torch.manual_seed(config.Training.Seed);
        var network = NetworkFactory.Create(config.Model, config.Classes.Count, bands);
        ModelInitReport? initReport = null;
        if (config.Model.Init is { } init)
        {
            initReport = LoadInit(network, init, ExperimentConfigValidator.Resolve(baseFolder, init.Path), configPath, data.BandNames);
        }

        TrainerSettings settings = TrainerSettingsOf(config);
        var discriminators = !settings.UsesDiscriminators
            ? new List<FcDiscriminator>()
            : [new FcDiscriminator(config.Classes.Count, config.Model.DiscriminatorWidth), new FcDiscriminator(config.Classes.Count, config.Model.DiscriminatorWidth)];
        network.to(device);
        foreach (var d in discriminators)
        {
            d.to(device);
        }

        TrainingConfig t = config.Training;
        var trainer = new AdversarialTrainer(network, discriminators.Cast<nn.Module<Tensor, Tensor>>().ToList(), settings);
        string output = ExperimentConfigValidator.Resolve(baseFolder, config.Output ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(configPath)));
        string effective = JsonSerializer.Serialize(config with { Output = output, Data = config.Data with { Prepared = data.Prepared?.Folder ?? config.Data.Prepared } }, JsonConfigReader.Options);
        var runOptions = new TrainingRunOptions(output, t.Iterations, t.CheckpointEvery, effective, config.Data.LoaderThreads,
            Title: $"{Path.GetFileNameWithoutExtension(configPath)} ({ModeName(t.Mode)})");
        return new Experiment(config, data, network, discriminators, trainer, device, runOptions, initReport);
    }

    /// <summary>The trainer's hyper-parameters as <paramref name="config"/>'s training block (and its adaptation in force) sets them.</summary>
    public static TrainerSettings TrainerSettingsOf(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        TrainingConfig t = config.Training;
        AdaptationConfig? adaptation = t.AdaptationInForce();
        return new TrainerSettings
        {
            LearningRate = t.LearningRate,
            HeadLearningRateFactor = t.HeadLearningRateFactor,
            WarmupIterations = t.WarmupIterations,
            GradientClipNorm = t.GradientClipNorm,
            Momentum = t.Momentum,
            WeightDecay = t.WeightDecay,
            Power = t.Power,
            ScheduleIterations = t.ScheduleIterations,
            DiscriminatorLearningRate = t.DiscriminatorLearningRate,
            SegmentationWeights = [t.LambdaSeg[0], t.LambdaSeg[1]],
            AdversarialWeights = [t.LambdaAdv[0], t.LambdaAdv[1]],
            GanLoss = t.GanLoss,
            SourceOnly = t.Mode == TrainingMode.SourceOnly,
            DiscriminatorInput = adaptation?.DiscriminatorInput ?? DiscriminatorInput.None,
            Entropy = adaptation?.Entropy ?? EntropyTerm.None,
            EntropyFromIteration = adaptation?.EntropyStart(t.Iterations) ?? 0,
            EntropyWeights = adaptation?.EntropyWeights() ?? [0.0, 0.0],
            RobustEta = adaptation?.Eta ?? 2.0,
            SelfTraining = t.Mode == TrainingMode.SelfTraining,
            SourceWeight = t.Mode == TrainingMode.SelfTraining ? t.SelfTraining.SourceWeight : 1.0,
            TargetWeight = t.SelfTraining.TargetWeight,
        };
    }

    /// <summary>The mode as written in configuration files.</summary>
    public static string ModeName(TrainingMode mode) => mode switch
    {
        TrainingMode.SourceOnly => "source-only",
        TrainingMode.SelfTraining => "self-training",
        _ => "adapted",
    };

    /// <summary>
    /// Loads model.init (<see cref="ModelInit"/>): a model.pth from 'adaptseg train' must match this network exactly
    /// (self-training continues from it); pretrained weights load by name, with conv1 mapped onto the data's bands.
    /// </summary>
    private static ModelInitReport LoadInit(DeepLabMulti network, InitConfig init, string path, string configPath, IReadOnlyList<string>? bandNames)
    {
        try
        {
            return ModelInit.Load(network, path, new ModelInitOptions { InitBands = init.Bands, InputBands = bandNames });
        }
        catch (ModelInitException e)
        {
            throw new ConfigException(configPath, [$"{e.Setting}: {e.Message}"]);
        }
    }

    private static void CheckClasses(string configPath, ExperimentConfig config, IReadOnlyList<string> dataClasses, string what)
    {
        if (!dataClasses.SequenceEqual(config.Classes, StringComparer.OrdinalIgnoreCase))
        {
            throw new ConfigException(configPath,
            [
                $"$.classes: the config lists {config.Classes.Count} classes ({string.Join(", ", config.Classes)}) but {what} " +
                $"has {dataClasses.Count} ({string.Join(", ", dataClasses)}). Make them the same, in the same order.",
            ]);
        }
    }

    /// <summary>Opens the data with the first factory that handles its kind (prepared folders are always known).</summary>
    private static TrainingData OpenData(ExperimentConfig config, string baseFolder, string configPath, IEnumerable<IBatchSourceFactory>? dataSources)
    {
        IBatchSourceFactory[] factories = [PreparedBatchSourceFactory.Instance, .. dataSources ?? []];
        IBatchSourceFactory? factory = factories.FirstOrDefault(f => f.Handles(config.Data));
        if (factory is null)
        {
            throw new ConfigException(configPath,
            [
                "$.data: no batch source for this kind of data was given to training (known here: " +
                $"{string.Join(", ", factories.Select(f => f.Kind))}). A program that trains on a benchmark passes its batch sources, " +
                "e.g. BenchmarkBatchSources.All from AdaptSeg.Geo.Benchmarks, in TrainingRunRequest.DataSources.",
            ]);
        }

        return factory.Open(config, baseFolder, configPath);
    }

    public void Dispose()
    {
        Trainer.Dispose();
        Network.Dispose();
        foreach (var d in Discriminators)
        {
            d.Dispose();
        }
    }
}
