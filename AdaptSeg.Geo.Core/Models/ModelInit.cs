using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// Loads initial weights (<c>model.init</c>) into a <see cref="DeepLabMulti"/>, from the files users hold:
/// a model.pth written by <c>adaptseg train</c> (loaded exactly: training continues from it), or a
/// pretrained ResNet (torchvision, timm, torchgeo, the DeepLab-v2 ImageNet/COCO initialisation) as
/// <c>.pth</c> (zip or legacy) or <c>.safetensors</c>, read with <see cref="CheckpointReader"/>'s bounds.
/// </summary>
/// <remarks>
/// A pretrained file: the key prefix before the stem (<c>module.</c>, <c>model.</c>, <c>backbone.</c>,
/// <c>encoder.resnet.</c>, <c>Scale.</c>, ..., see <see cref="BackboneSignature"/>) is stripped; every key of
/// the network found with the same shape loads; the file's other keys are skipped with a reason (an
/// ImageNet classifier <c>fc</c>, a head for another class count, a key outside the prefix, a block the
/// network does not have); the network's keys the file lacks keep their initialisation. The first
/// convolution's input channels are mapped onto the network's bands by
/// <see cref="InputBandAdapter"/>: by name when both the file's channels
/// (<see cref="ModelInitOptions.InitBands"/>) and the data's bands are named, else by position.
/// </remarks>
public static class ModelInit
{
    private const string InitPath = "$.model.init";
    private const string BandsPath = "$.model.init.bands";

    /// <summary>Reads <paramref name="path"/> and loads it into <paramref name="network"/>.</summary>
    /// <exception cref="CheckpointException">The file cannot be read (missing, damaged, beyond a limit, not a checkpoint).</exception>
    /// <exception cref="ModelInitException">The file does not fit the network or the band names given.</exception>
    public static ModelInitReport Load(DeepLabMulti network, string path, ModelInitOptions? options = null)
    {
        using Checkpoint checkpoint = CheckpointReader.Read(path);
        return Load(network, checkpoint, options);
    }

    /// <summary>Loads an open checkpoint into <paramref name="network"/>.</summary>
    /// <exception cref="ModelInitException">The file does not fit the network or the band names given.</exception>
    public static ModelInitReport Load(DeepLabMulti network, Checkpoint checkpoint, ModelInitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(checkpoint);
        options ??= new ModelInitOptions();
        string format = checkpoint.Format switch
        {
            CheckpointFormat.Zip => ".pth zip",
            CheckpointFormat.Legacy => ".pth legacy",
            _ => ".safetensors",
        };
        return ModelPackage.DescriptionOf(checkpoint) is { } description
            ? LoadPackage(network, checkpoint, description, options)
            : LoadPretrained(network, checkpoint.StateDict, options, checkpoint.Path, format);
    }

    /// <summary>
    /// Loads a pretrained state dict (names as the file has them, any prefix) into <paramref name="network"/>;
    /// <paramref name="sourceName"/> names it in the report and in errors.
    /// </summary>
    /// <exception cref="ModelInitException">The state dict does not fit the network or the band names given.</exception>
    public static ModelInitReport LoadPretrained(DeepLabMulti network, IReadOnlyDictionary<string, Tensor> source, ModelInitOptions? options = null,
        string sourceName = "the state dict", string? format = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(source);
        options ??= new ModelInitOptions();
        var entries = source.Select(kv => (kv.Key, kv.Value.shape)).ToList();
        BackboneSignature signature;
        try
        {
            signature = BackboneSignature.Detect(entries);
        }
        catch (CheckpointException e)
        {
            throw new ModelInitException(InitPath, $"{sourceName}: {e.Message}", e);
        }

        if (signature.Prefix is not { } prefix)
        {
            throw new ModelInitException(InitPath,
                $"{sourceName}: no ResNet stem (a 4-D conv1.weight with a 7x7 kernel, under any key prefix) among its {entries.Count} keys " +
                $"({string.Join(", ", entries.Take(5).Select(e => e.Key))}{(entries.Count > 5 ? ", ..." : "")}); it is not a ResNet initialisation. " +
                "Check it with 'adaptseg model info'.");
        }

        if (network.Options.Width != 64)
        {
            throw new ModelInitException(InitPath, $"{sourceName}: initial weights need the reference width 64; remove model.width or model.init.");
        }

        var skipped = new List<SkippedKey>();
        var stripped = new List<KeyValuePair<string, Tensor>>();
        foreach (var (key, tensor) in source)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                stripped.Add(new(key[prefix.Length..], tensor));
            }
            else
            {
                skipped.Add(new SkippedKey(key, $"outside the backbone's prefix '{prefix}'"));
            }
        }

        var notes = new List<string>();
        StateDict target = StateDict.FromModule(network);
        var (mapping, adapted) = MapBands(network, target, stripped, options, sourceName, notes);
        CheckpointLoadReport loaded;
        try
        {
            loaded = CheckpointLoader.LoadInto(target, new StateDict(stripped), new CheckpointLoadOptions(), sourceName);
        }
        catch (CheckpointException e)
        {
            throw new ModelInitException(InitPath, e.Message, e);
        }
        finally
        {
            adapted?.Dispose();
        }

        if (loaded.Loaded.Count == 0)
        {
            throw new ModelInitException(InitPath,
                $"{sourceName}: none of its keys is a key of this network (after stripping '{prefix}'); it is not an initialisation for it. Check it with 'adaptseg model info'.");
        }

        skipped.InsertRange(0, loaded.Skipped.Concat(loaded.Unexpected.Select(key => new SkippedKey(key, key.StartsWith("fc.", StringComparison.Ordinal)
            ? "the ImageNet classifier (fc), which a segmentation network does not use"
            : "not a key of this network"))));
        Note(network, signature, notes);
        string what = $"{signature.Family}; " +
            $"{(signature.Depth is int depth ? $"ResNet-{depth}" : $"blocks [{string.Join(", ", signature.BlocksPerStage)}]")}, {signature.Bands} band(s)" +
            (format is null ? "" : $", {format}");
        return new ModelInitReport(sourceName, what, prefix, loaded.Loaded, skipped, loaded.Missing, mapping, signature.Bands, notes);
    }

    /// <summary>
    /// The band mapping of the file's <c>conv1</c> onto the network's bands; replaces it in
    /// <paramref name="stripped"/> with the adapted weights (returned, for the caller to dispose) when they differ.
    /// </summary>
    private static (IReadOnlyList<BandSource>? Mapping, Tensor? Adapted) MapBands(DeepLabMulti network, StateDict target, List<KeyValuePair<string, Tensor>> stripped,
        ModelInitOptions options, string sourceName, List<string> notes)
    {
        int at = stripped.FindIndex(kv => kv.Key == BackboneSignature.StemKey);
        if (at < 0)
        {
            return (null, null);
        }

        Tensor pretrained = stripped[at].Value;
        int channels = (int)pretrained.shape[1];
        if (options.InitBands is { } named && named.Count != channels)
        {
            throw new ModelInitException(BandsPath,
                $"{named.Count} band name(s) for the {channels} input channel(s) of conv1 in {sourceName}; give one name per channel, in the file's order.");
        }

        long[] stem = target[BackboneSignature.StemKey].shape;
        if (pretrained.shape[0] != stem[0] || !pretrained.shape.Skip(2).SequenceEqual(stem.Skip(2)))
        {
            return (null, null); // another stem: the loader reports the shape mismatch
        }

        int bands = network.InputBands;
        IReadOnlyList<string>? ours = options.InputBands is { } names && names.Count == bands ? names : null;
        IReadOnlyList<BandSource> mapping;
        try
        {
            mapping = InputBandAdapter.Plan(channels, bands, options.InitBands, ours);
        }
        catch (ArgumentException e)
        {
            throw new ModelInitException(e.ParamName == "pretrainedNames" ? BandsPath : InitPath, $"{sourceName}: {e.Message}", e);
        }

        if (options.InitBands is null && ours is not null)
        {
            notes.Add("model.init.bands is not given, so conv1's channels were taken by position; name the file's channels in its order to map by name " +
                "(torchvision's and timm's ImageNet weights: [\"red\", \"green\", \"blue\"]; the Caffe-converted DeepLab-v2 initialisation: [\"blue\", \"green\", \"red\"]).");
        }
        else if (options.InitBands is not null && ours is null)
        {
            notes.Add("the data's band names are unknown (its prepare config names none), so conv1's channels were taken by position; " +
                "give bandNames in the prepare config to map by name.");
        }

        bool unchanged = channels == bands && mapping.All(m => m.Channel == m.Band);
        if (unchanged)
        {
            return (mapping, null);
        }

        // In float64, whatever the file stores (F16, BF16, ...): the means and the C / N scaling lose nothing before the copy into the network.
        using Tensor wide = pretrained.to(ScalarType.Float64);
        Tensor adapted = InputBandAdapter.Apply(wide, mapping);
        stripped[at] = new(BackboneSignature.StemKey, adapted);
        return (mapping, adapted);
    }

    private static void Note(DeepLabMulti network, BackboneSignature signature, List<string> notes)
    {
        bool torchvision = network.Options.Backbone == BackboneKind.TorchvisionResNet;
        if (signature.IsDeepLabV2 == true && torchvision)
        {
            notes.Add("the file holds DeepLab-v2 (Caffe-style) weights, but model.backbone is torchvision-resnet: they load by name, " +
                "but were trained with the stride on the 1x1 convolutions; use model.backbone \"deeplabv2-resnet\".");
        }
        else if (signature.IsDeepLabV2 == false && !torchvision)
        {
            notes.Add("the file holds torchvision-style weights, but model.backbone is deeplabv2-resnet: they load by name, " +
                "but were trained with the stride on the 3x3 convolutions; use model.backbone \"torchvision-resnet\".");
        }

        if (signature.BlocksPerStage.All(b => b > 0) && !signature.BlocksPerStage.SequenceEqual(network.BlocksPerStage))
        {
            notes.Add($"the file's stages have [{string.Join(", ", signature.BlocksPerStage)}] blocks{(signature.Depth is int d ? $" (ResNet-{d})" : "")}, " +
                $"this network [{string.Join(", ", network.BlocksPerStage)}]: blocks only the file has are skipped, blocks only the network has are not initialised; " +
                "set model.depth to match.");
        }
    }

    private static ModelInitReport LoadPackage(DeepLabMulti network, Checkpoint checkpoint, ModelDescription description, ModelInitOptions options)
    {
        string path = checkpoint.Path;
        if (description.Backbone != network.Options.Backbone || description.OutputStride != network.OutputStride)
        {
            throw new ModelInitException(InitPath,
                $"'{path}' is a model on the {Name(description.Backbone)} backbone at output stride {description.OutputStride}; this run builds " +
                $"{Name(network.Options.Backbone)} at {network.OutputStride}. Use the same model.backbone and model.outputStride as the run that wrote it.");
        }

        CheckpointLoadReport report;
        try
        {
            report = CheckpointLoader.Load(network, checkpoint, CheckpointLoadOptions.Exact);
        }
        catch (CheckpointException e)
        {
            throw new ModelInitException(InitPath,
                $"'{path}' is a model of another shape ({e.Message}). Use the same model.blocks, model.width and classes as the run that wrote it.", e);
        }

        var notes = new List<string>();
        if (options.InitBands is not null)
        {
            notes.Add("model.init.bands is not used: a model.pth from 'adaptseg train' continues with the input bands it was trained on.");
        }

        if (description.BandNames is { } trained && options.InputBands is { } data && !trained.SequenceEqual(data, StringComparer.OrdinalIgnoreCase))
        {
            notes.Add($"the model was trained on bands [{string.Join(", ", trained)}], the data has [{string.Join(", ", data)}].");
        }

        string what = $"an adaptseg model ({Name(description.Backbone)}, {description.Classes.Count} classes, {description.InputBands} band(s), " +
            $"{description.Iterations} iterations{(description.TrainingMode is { } mode ? $", {mode}" : "")}), loaded exactly";
        return new ModelInitReport(path, what, null, report.Loaded, report.Skipped, report.Missing, null, null, notes);
    }

    private static string Name(BackboneKind backbone) => backbone == BackboneKind.TorchvisionResNet ? "torchvision-resnet" : "deeplabv2-resnet";
}
