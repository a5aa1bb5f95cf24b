using System.Text.Json;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Benchmarks;
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
    private Experiment(ExperimentConfig config, PreparedDataset? prepared, DeepLabMulti network, IReadOnlyList<FcDiscriminator> discriminators,
        AdversarialTrainer trainer, IBatchSource data, Device device, TrainingRunOptions runOptions, ModelInitReport? initReport)
    {
        Config = config;
        Prepared = prepared;
        Network = network;
        Discriminators = discriminators;
        Trainer = trainer;
        Data = data;
        Device = device;
        RunOptions = runOptions;
        InitReport = initReport;
    }

    public ExperimentConfig Config { get; }
    /// <summary>The prepared GeoTIFF data; null for the GTA5/Cityscapes benchmark.</summary>
    public PreparedDataset? Prepared { get; }

    /// <summary>Input bands of the network.</summary>
    public int BandCount => Network.InputBands;
    public DeepLabMulti Network { get; }
    public IReadOnlyList<FcDiscriminator> Discriminators { get; }
    public AdversarialTrainer Trainer { get; }
    public IBatchSource Data { get; }
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
        BandNames = Prepared?.BandNames,
        TrainingGrid = Prepared is null ? null : new TrainingGrid(Prepared.CrsWkt, Prepared.PixelSize),
        SourceStatistics = Prepared?.Source.Statistics,
        TargetStatistics = Config.Data.Normalisation == Normalisation.Shared ? Prepared?.Source.Statistics : Prepared?.Target.Statistics,
        TrainingMode = ModeName(Config.Training.Mode),
        Iterations = iterations,
    };

    /// <summary>Reads and checks the configuration file, then builds the experiment.</summary>
    /// <exception cref="ConfigException">Every problem, with its JSON path.</exception>
    public static Experiment Create(string configPath, ExperimentOverrides? overrides = null) =>
        Create(JsonConfigReader.Read<ExperimentConfig>(configPath), configPath, overrides);

    /// <summary>Checks <paramref name="config"/> and builds the experiment.</summary>
    /// <param name="config">The experiment, read from a file or built in code.</param>
    /// <param name="configPath">Where it lives: relative paths resolve against its folder, its name names the default run folder and messages (the file need not exist).</param>
    /// <param name="overrides">Settings that replace the configuration's.</param>
    /// <exception cref="ConfigException">Every problem, with its JSON path.</exception>
    public static Experiment Create(ExperimentConfig config, string configPath, ExperimentOverrides? overrides = null)
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

        PreparedDataset? prepared = null;
        int bands;
        if (config.Data.Prepared is not null)
        {
            try
            {
                prepared = PreparedDataset.Load(ExperimentConfigValidator.Resolve(baseFolder, config.Data.Prepared));
            }
            catch (PreparedDatasetException e)
            {
                throw new ConfigException(configPath, [$"$.data.prepared: {e.Message}"]);
            }

            CheckClasses(configPath, config, prepared.ClassNames, $"the prepared data '{prepared.Folder}'");
            bands = prepared.BandCount;
        }
        else
        {
            CheckClasses(configPath, config, CityscapesLabels.ClassNames, "the Cityscapes trainIds");
            bands = 3;
        }

        Device device = TorchRuntime.ResolveDevice(config.Training.Device);
        torch.manual_seed(config.Training.Seed);
        var network = NetworkFactory.Create(config.Model, config.Classes.Count, bands);
        ModelInitReport? initReport = null;
        if (config.Model.Init is { } init)
        {
            // The network's bands by name, for conv1's band mapping: the prepared source's, or the benchmark's BGR.
            IReadOnlyList<string>? bandNames = prepared is not null ? prepared.Source.BandNames : ["blue", "green", "red"];
            initReport = LoadInit(network, init, ExperimentConfigValidator.Resolve(baseFolder, init.Path), configPath, bandNames);
        }

        bool sourceOnly = config.Training.Mode == TrainingMode.SourceOnly;
        AdaptationConfig? adaptation = config.Training.AdaptationInForce();
        bool usesDiscriminators = adaptation is not null && adaptation.DiscriminatorInput != DiscriminatorInput.None;
        var discriminators = !usesDiscriminators
            ? new List<FcDiscriminator>()
            : [new FcDiscriminator(config.Classes.Count, config.Model.DiscriminatorWidth), new FcDiscriminator(config.Classes.Count, config.Model.DiscriminatorWidth)];
        network.to(device);
        foreach (var d in discriminators)
        {
            d.to(device);
        }

        TrainingConfig t = config.Training;
        var settings = new TrainerSettings
        {
            LearningRate = t.LearningRate,
            Momentum = t.Momentum,
            WeightDecay = t.WeightDecay,
            Power = t.Power,
            ScheduleIterations = t.ScheduleIterations,
            DiscriminatorLearningRate = t.DiscriminatorLearningRate,
            SegmentationWeights = [t.LambdaSeg[0], t.LambdaSeg[1]],
            AdversarialWeights = [t.LambdaAdv[0], t.LambdaAdv[1]],
            GanLoss = t.GanLoss,
            SourceOnly = sourceOnly,
            DiscriminatorInput = adaptation?.DiscriminatorInput ?? DiscriminatorInput.None,
            Entropy = adaptation?.Entropy ?? EntropyTerm.None,
            EntropyFromIteration = adaptation?.EntropyStart(t.Iterations) ?? 0,
            EntropyWeights = adaptation?.EntropyWeights() ?? [0.0, 0.0],
            RobustEta = adaptation?.Eta ?? 2.0,
            SelfTraining = t.Mode == TrainingMode.SelfTraining,
            SourceWeight = t.Mode == TrainingMode.SelfTraining ? t.SelfTraining.SourceWeight : 1.0,
            TargetWeight = t.SelfTraining.TargetWeight,
        };
        var trainer = new AdversarialTrainer(network, discriminators.Cast<nn.Module<Tensor, Tensor>>().ToList(), settings);
        IBatchSource data = prepared is not null
            ? new DomainBatchSource(prepared, new DomainBatchOptions
            {
                TileSize = config.Data.TileSize,
                BatchSize = t.BatchSize,
                IterSize = t.IterSize,
                MinValidFraction = config.Data.MinValidFraction,
                SharedNormalisation = config.Data.Normalisation == Normalisation.Shared,
                Flips = config.Data.Flips,
                Rotations = config.Data.Rotations,
                Seed = t.Seed,
                FdaBeta = adaptation?.Fda?.Beta,
                IncludeTargetLabels = t.Mode == TrainingMode.SelfTraining,
            })
            : BenchmarkSource(config, baseFolder, configPath);

        string output = ExperimentConfigValidator.Resolve(baseFolder, config.Output ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(configPath)));
        string effective = JsonSerializer.Serialize(config with { Output = output, Data = config.Data with { Prepared = prepared?.Folder } }, JsonConfigReader.Options);
        var runOptions = new TrainingRunOptions(output, t.Iterations, t.CheckpointEvery, effective, config.Data.LoaderThreads,
            Title: $"{Path.GetFileNameWithoutExtension(configPath)} ({ModeName(t.Mode)})");
        return new Experiment(config, prepared, network, discriminators, trainer, data, device, runOptions, initReport);
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

    /// <summary>GTA5 (source) and Cityscapes train (target), preprocessed as the reference.</summary>
    private static Gta5CityscapesBatchSource BenchmarkSource(ExperimentConfig config, string baseFolder, string configPath)
    {
        DataConfig d = config.Data;
        IReadOnlyList<int> sourceSize = d.SourceSize ?? [Gta5Dataset.DefaultWidth, Gta5Dataset.DefaultHeight];
        IReadOnlyList<int> targetSize = d.TargetSize ?? [CityscapesDataset.DefaultWidth, CityscapesDataset.DefaultHeight];
        try
        {
            var gta5 = new Gta5Dataset(ExperimentConfigValidator.Resolve(baseFolder, d.Gta5!), null, sourceSize[0], sourceSize[1]);
            var cityscapes = new CityscapesDataset(ExperimentConfigValidator.Resolve(baseFolder, d.Cityscapes!), "train", null, requireLabels: false);
            return new Gta5CityscapesBatchSource(gta5, cityscapes, config.Training.BatchSize, config.Training.IterSize, config.Training.Seed,
                targetSize[0], targetSize[1], mirror: d.Flips);
        }
        catch (CityscapesDataException e)
        {
            throw new ConfigException(configPath, [$"$.data: {e.Message}"]);
        }
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
