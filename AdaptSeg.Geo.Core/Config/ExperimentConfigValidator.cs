namespace AdaptSeg.Geo.Config;

/// <summary>Checks an <see cref="ExperimentConfig"/> beyond its JSON shape: values, paths, combinations.</summary>
public static class ExperimentConfigValidator
{
    /// <summary>Every problem, each with its JSON path. Relative paths resolve against <paramref name="baseFolder"/>.</summary>
    public static IReadOnlyList<string> Validate(ExperimentConfig config, string baseFolder)
    {
        var p = new List<string>();
        if (config.Classes.Count is < 1 or > 254)
        {
            p.Add("$.classes: give between 1 and 254 class names.");
        }

        if (config.Classes.Distinct(StringComparer.OrdinalIgnoreCase).Count() != config.Classes.Count)
        {
            p.Add("$.classes: class names must be unique.");
        }

        DataConfig d = config.Data;
        bool prepared = d.Prepared is not null;
        bool gta5Cityscapes = d.Gta5 is not null || d.Cityscapes is not null;
        bool benchmark = !prepared;
        if ((prepared ? 1 : 0) + (gta5Cityscapes ? 1 : 0) + (d.Loveda is null ? 0 : 1) != 1)
        {
            p.Add("$.data: give exactly one kind of data: 'prepared' (a folder from adaptseg prepare), both 'gta5' and 'cityscapes', or 'loveda'.");
        }

        if (prepared && !Directory.Exists(Resolve(baseFolder, d.Prepared!)))
        {
            p.Add($"$.data.prepared: folder '{Resolve(baseFolder, d.Prepared!)}' does not exist. Run 'adaptseg prepare' first.");
        }

        if (d.Loveda is { } loveda)
        {
            CheckLoveDa(loveda, baseFolder, p);
        }

        if (gta5Cityscapes)
        {
            if (d.Gta5 is null || !Directory.Exists(Resolve(baseFolder, d.Gta5)))
            {
                p.Add($"$.data.gta5: folder '{(d.Gta5 is null ? "(missing)" : Resolve(baseFolder, d.Gta5))}' does not exist.");
            }

            if (d.Cityscapes is null || !Directory.Exists(Resolve(baseFolder, d.Cityscapes)))
            {
                p.Add($"$.data.cityscapes: folder '{(d.Cityscapes is null ? "(missing)" : Resolve(baseFolder, d.Cityscapes))}' does not exist.");
            }
        }

        CheckSize(d.SourceSize, "$.data.sourceSize", p);
        CheckSize(d.TargetSize, "$.data.targetSize", p);
        if (d.TileSize is < 32 or > 4096 || d.TileSize % 8 != 0)
        {
            p.Add($"$.data.tileSize: {d.TileSize} must be a multiple of 8 between 32 and 4096.");
        }

        if (d.MinValidFraction is < 0 or > 1)
        {
            p.Add($"$.data.minValidFraction: {d.MinValidFraction} must be between 0 and 1.");
        }

        if (d.LoaderThreads is < 0 or > 64)
        {
            p.Add($"$.data.loaderThreads: {d.LoaderThreads} must be between 0 and 64.");
        }

        ModelConfig m = config.Model;
        if (m.Blocks is not null && (m.Blocks.Count != 4 || m.Blocks.Any(b => b is < 1 or > 64)))
        {
            p.Add("$.model.blocks: give four block counts between 1 and 64, e.g. [3, 4, 6, 3] for ResNet-50.");
        }
        else if (m.Blocks is null && m.Depth is not (50 or 101))
        {
            p.Add($"$.model.depth: {m.Depth} is not supported; use 101 (the paper) or 50.");
        }

        if (m.Width is < 4 or > 256)
        {
            p.Add($"$.model.width: {m.Width} must be between 4 and 256 (the reference: 64).");
        }

        if (m.Init is not null && !File.Exists(Resolve(baseFolder, m.Init.Path)))
        {
            p.Add($"$.model.init: file '{Resolve(baseFolder, m.Init.Path)}' does not exist.");
        }

        if (m.Init?.Bands is { } initBands)
        {
            BandNameRules.Check(initBands, "$.model.init.bands", p);
        }

        if (m.OutputStride is not (8 or 16))
        {
            p.Add($"$.model.outputStride: {m.OutputStride} is not supported; use 8 (the paper) or 16 (torchvision-resnet only).");
        }
        else if (m.OutputStride == 16 && m.Backbone == BackboneKind.DeepLabV2ResNet)
        {
            p.Add("$.model.outputStride: 16 needs model.backbone \"torchvision-resnet\"; the DeepLab-v2 ResNet has output stride 8 only.");
        }

        if (m.DiscriminatorWidth is < 1 or > 1024)
        {
            p.Add($"$.model.discriminatorWidth: {m.DiscriminatorWidth} must be between 1 and 1024.");
        }

        TrainingConfig t = config.Training;
        if (t.Iterations < 1) p.Add($"$.training.iterations: {t.Iterations} must be at least 1.");
        if (t.ScheduleIterations < t.Iterations) p.Add($"$.training.scheduleIterations: {t.ScheduleIterations} must be at least training.iterations ({t.Iterations}).");
        if (t.BatchSize < 1) p.Add($"$.training.batchSize: {t.BatchSize} must be at least 1.");
        if (t.IterSize < 1) p.Add($"$.training.iterSize: {t.IterSize} must be at least 1.");
        if (t.LearningRate <= 0) p.Add($"$.training.learningRate: {t.LearningRate} must be positive.");
        if (!(t.HeadLearningRateFactor > 0)) p.Add($"$.training.headLearningRateFactor: {t.HeadLearningRateFactor} must be positive (the paper: 10).");
        if (t.WarmupIterations < 0 || t.WarmupIterations > t.ScheduleIterations) p.Add($"$.training.warmupIterations: {t.WarmupIterations} must be between 0 and scheduleIterations ({t.ScheduleIterations}).");
        if (t.GradientClipNorm is { } clip && !(clip > 0 && double.IsFinite(clip))) p.Add($"$.training.gradientClipNorm: {clip} must be a positive number (LoveDA: 35), or left out for no clipping.");
        if (t.DiscriminatorLearningRate <= 0) p.Add($"$.training.discriminatorLearningRate: {t.DiscriminatorLearningRate} must be positive.");
        if (t.Momentum is < 0 or >= 1) p.Add($"$.training.momentum: {t.Momentum} must be in [0, 1).");
        if (t.LambdaSeg.Count != 2) p.Add("$.training.lambdaSeg: give two weights, [aux, main].");
        if (t.LambdaAdv.Count != 2) p.Add("$.training.lambdaAdv: give two weights, [aux, main].");
        if (t.CheckpointEvery < 1) p.Add($"$.training.checkpointEvery: {t.CheckpointEvery} must be at least 1.");
        CheckAdaptation(config, benchmark, p);
        string device = t.Device.ToLowerInvariant();
        if (device is not ("cpu" or "cuda" or "auto") && !device.StartsWith("cuda:", StringComparison.Ordinal))
        {
            p.Add($"$.training.device: '{t.Device}' is not a device; use cpu, cuda, cuda:N or auto.");
        }

        return p;
    }

    /// <summary>A path from the configuration, resolved against the configuration's folder.</summary>
    public static string Resolve(string baseFolder, string path) => Path.GetFullPath(Path.Combine(baseFolder, path));

    /// <summary>training.adaptation and training.selfTraining (the width check of model.init is made where the file is read: a model.pth of any width may continue training).</summary>
    private static void CheckAdaptation(ExperimentConfig config, bool benchmark, List<string> p)
    {
        TrainingConfig t = config.Training;
        if (t.Adaptation is { } a)
        {
            if (a.FromIteration is < 0) p.Add($"$.training.adaptation.fromIteration: {a.FromIteration} must not be negative.");
            if (a.LambdaEntropy is { } l && (l.Count != 2 || l.Any(v => v < 0))) p.Add("$.training.adaptation.lambdaEntropy: give two non-negative weights, [aux, main].");
            if (a.Eta <= 0) p.Add($"$.training.adaptation.eta: {a.Eta} must be positive (FDA: 2).");
            if (t.Mode == TrainingMode.SourceOnly)
            {
                p.Add("$.training.adaptation: source-only training adapts nothing; remove the block or use mode adapted or self-training.");
            }

            if (a.Fda is { } fda)
            {
                int tile = config.Data.TileSize;
                if (benchmark)
                {
                    p.Add("$.training.adaptation.fda: FDA restyles prepared tiles only (data.prepared); the benchmark readers (GTA5/Cityscapes, LoveDA) do not apply it.");
                }
                else if (fda.Beta is <= 0 or > 0.5)
                {
                    p.Add($"$.training.adaptation.fda.beta: {fda.Beta} must be in (0, 0.5].");
                }
                else if (FdaConfig.BlockSize(tile, tile, fda.Beta) < 1)
                {
                    p.Add($"$.training.adaptation.fda.beta: {fda.Beta} swaps no frequency on {tile}-px tiles (b = floor({tile}·{fda.Beta}) = 0); " +
                        $"use beta >= {FdaConfig.SmallestBeta(tile, tile)} (the paper's 0.01 is for 1024-px images).");
                }
            }
        }

        if (t.Mode == TrainingMode.SelfTraining)
        {
            if (benchmark) p.Add("$.training.mode: self-training needs pseudo-labels on prepared target scenes (data.prepared); the benchmark readers (GTA5/Cityscapes, LoveDA) have none.");
            if (config.Model.Init is null) p.Add("$.model.init: self-training starts from a trained model; point it at the adapted run's model.pth.");
            if (t.SelfTraining.SourceWeight < 0 || t.SelfTraining.TargetWeight < 0 || t.SelfTraining.SourceWeight + t.SelfTraining.TargetWeight <= 0)
            {
                p.Add("$.training.selfTraining: sourceWeight and targetWeight must not be negative, and not both 0.");
            }
        }
    }

    private static void CheckLoveDa(LoveDaDataConfig loveda, string baseFolder, List<string> p)
    {
        if (!Directory.Exists(Resolve(baseFolder, loveda.Root)))
        {
            p.Add($"$.data.loveda.root: folder '{Resolve(baseFolder, loveda.Root)}' does not exist; it is the folder holding Train/, Val/ and Test/ (docs/loveda.md).");
        }

        if (loveda.Source == loveda.Target)
        {
            p.Add($"$.data.loveda.target: source and target are both '{loveda.Source}'; adaptation goes from one domain to the other (rural -> urban or urban -> rural).");
        }

        if (loveda.SourceSplit == LoveDaSplit.Test)
        {
            p.Add("$.data.loveda.sourceSplit: the Test masks are hidden (scored by the public server); train the source on 'train' (or 'val').");
        }

        // The discriminator's five stride-2 4x4 convolutions need at least 32 pixels; LoveDA images are 1024 px.
        if (loveda.CropSize is < 32 or > 1024 || loveda.CropSize % 8 != 0)
        {
            p.Add($"$.data.loveda.cropSize: {loveda.CropSize} must be a multiple of 8 between 32 and 1024 (the reference: 512).");
        }
    }

    private static void CheckSize(IReadOnlyList<int>? size, string at, List<string> problems)
    {
        // The discriminator's five stride-2 4x4 convolutions need at least 32 pixels on each side.
        if (size is not null && (size.Count != 2 || size.Any(v => v < 32)))
        {
            problems.Add($"{at}: give [width, height], each at least 32 (the discriminator needs it).");
        }
    }
}
