using System.Text.Json;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// A resumable training checkpoint: a folder holding the segmentation network (<c>network.pth</c>)
/// and each discriminator (<c>discriminator-N.pth</c>) as PyTorch zip files that
/// <c>torch.load(path, weights_only=True)</c> reads (<c>state_dict</c> under the PyTorch key names, plus
/// <c>format</c> = <see cref="NetworkFormat"/>), and beside them what resume needs: every optimiser
/// state in TorchSharp's format (<c>optimizer-*.dat</c>), torch's RNG state, the iteration reached and
/// the effective configuration. It is written to <c>NAME.partial</c> and renamed when complete, so a
/// crash or Ctrl+C never leaves a half-written checkpoint; <c>latest</c> names the newest complete one
/// and pruning never removes the one <c>latest</c> names. Checkpoints written before the networks were
/// <c>.pth</c> (<c>network.dat</c>, <c>discriminator-N.dat</c>) still resume.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The <c>format</c> entry of a checkpoint's network files.</summary>
    public const string NetworkFormat = "adaptseg-training-network";

    /// <summary>The segmentation network's file in a checkpoint folder.</summary>
    public const string NetworkFile = "network.pth";

    private const string LatestFile = "latest";
    private const string StateFile = "state.json";

    /// <summary>Discriminator <paramref name="index"/>'s file in a checkpoint folder.</summary>
    public static string DiscriminatorFile(int index) => $"discriminator-{index}.pth";

    /// <summary>What a checkpoint records besides tensors.</summary>
    public sealed record State(int NextIteration, string ConfigJson, DateTimeOffset SavedAt);

    /// <summary>The folder name for a checkpoint taken before <paramref name="nextIteration"/>.</summary>
    public static string NameFor(int nextIteration) => $"iter-{nextIteration:D7}";

    /// <summary>Saves atomically under <paramref name="checkpointsFolder"/> and keeps the newest <paramref name="keep"/>.</summary>
    public static string Save(string checkpointsFolder, int nextIteration, IMultiLevelNetwork network,
        IReadOnlyList<nn.Module<Tensor, Tensor>> discriminators, AdversarialTrainer trainer, string configJson, int keep = 3)
    {
        Directory.CreateDirectory(checkpointsFolder);
        string final = Path.Combine(checkpointsFolder, NameFor(nextIteration));
        string partial = final + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        Directory.CreateDirectory(partial);
        SaveNetwork(Path.Combine(partial, NetworkFile), network.Module);
        for (int i = 0; i < discriminators.Count; i++)
        {
            SaveNetwork(Path.Combine(partial, DiscriminatorFile(i)), discriminators[i]);
        }

        ((TorchSharp.Modules.OptimizerHelper)trainer.SegmentationOptimizer).save_state_dict(Path.Combine(partial, "optimizer-network.dat"));
        for (int i = 0; i < trainer.DiscriminatorOptimizers.Count; i++)
        {
            ((TorchSharp.Modules.OptimizerHelper)trainer.DiscriminatorOptimizers[i]).save_state_dict(Path.Combine(partial, $"optimizer-discriminator-{i}.dat"));
        }

        using (Tensor rng = torch.get_rng_state())
        {
            File.WriteAllBytes(Path.Combine(partial, "torch-rng.bin"), rng.bytes.ToArray());
        }

        File.WriteAllText(Path.Combine(partial, "config.json"), configJson);
        File.WriteAllText(Path.Combine(partial, StateFile), JsonSerializer.Serialize(new State(nextIteration, configJson, DateTimeOffset.UtcNow)));

        if (Directory.Exists(final))
        {
            Directory.Delete(final, recursive: true);
        }

        Directory.Move(partial, final);
        Runtime.AtomicFile.WriteAllText(Path.Combine(checkpointsFolder, LatestFile), Path.GetFileName(final));
        Prune(checkpointsFolder, keep);
        return final;
    }

    /// <summary>The newest complete checkpoint folder, or null when there is none.</summary>
    public static string? FindLatest(string checkpointsFolder)
    {
        string latest = Path.Combine(checkpointsFolder, LatestFile);
        if (!File.Exists(latest))
        {
            return null;
        }

        string folder = Path.Combine(checkpointsFolder, File.ReadAllText(latest).Trim());
        return File.Exists(Path.Combine(folder, StateFile)) ? folder : null;
    }

    /// <summary>Restores everything saved by <see cref="Save"/> into live objects; returns the recorded state.</summary>
    public static State Load(string folder, IMultiLevelNetwork network, IReadOnlyList<nn.Module<Tensor, Tensor>> discriminators, AdversarialTrainer trainer)
    {
        string statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath))
        {
            throw new InvalidDataException($"'{folder}' is not a complete training checkpoint (no {StateFile}).");
        }

        State state = JsonSerializer.Deserialize<State>(File.ReadAllText(statePath))
            ?? throw new InvalidDataException($"'{statePath}' is empty.");
        LoadNetwork(folder, NetworkFile, "network.dat", network.Module);
        for (int i = 0; i < discriminators.Count; i++)
        {
            LoadNetwork(folder, DiscriminatorFile(i), $"discriminator-{i}.dat", discriminators[i]);
        }

        ((TorchSharp.Modules.OptimizerHelper)trainer.SegmentationOptimizer).load_state_dict(Path.Combine(folder, "optimizer-network.dat"));
        for (int i = 0; i < trainer.DiscriminatorOptimizers.Count; i++)
        {
            ((TorchSharp.Modules.OptimizerHelper)trainer.DiscriminatorOptimizers[i]).load_state_dict(Path.Combine(folder, $"optimizer-discriminator-{i}.dat"));
        }

        byte[] rng = File.ReadAllBytes(Path.Combine(folder, "torch-rng.bin"));
        using (Tensor state8 = torch.tensor(rng, dtype: ScalarType.Byte))
        {
            torch.set_rng_state(state8);
        }

        return state;
    }

    /// <summary>
    /// Keeps the checkpoint <c>latest</c> names (always, whatever its iteration) and the newest others up to
    /// <paramref name="keep"/> in all; deletes the rest.
    /// </summary>
    private static void Prune(string checkpointsFolder, int keep)
    {
        string latestPath = Path.Combine(checkpointsFolder, LatestFile);
        string? latest = File.Exists(latestPath) ? File.ReadAllText(latestPath).Trim() : null;
        var others = Directory.GetDirectories(checkpointsFolder, "iter-*")
            .Where(d => !d.EndsWith(".partial", StringComparison.Ordinal))
            .Where(d => !string.Equals(Path.GetFileName(d), latest, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        int keepOthers = Math.Max(0, keep - (latest is null ? 0 : 1));
        foreach (string old in others.Take(Math.Max(0, others.Count - keepOthers)))
        {
            Directory.Delete(old, recursive: true);
        }
    }

    private static void SaveNetwork(string path, nn.Module module)
    {
        var content = new Dictionary<string, object?>
        {
            ["format"] = NetworkFormat,
            ["state_dict"] = module.state_dict().ToDictionary(kv => kv.Key, kv => (object?)kv.Value),
        };
        CheckpointWriter.Save(path, content);
    }

    private static void LoadNetwork(string folder, string file, string legacyFile, nn.Module module)
    {
        string path = Path.Combine(folder, file);
        if (File.Exists(path))
        {
            using Checkpoint checkpoint = CheckpointReader.Read(path);
            CheckpointLoader.Load(module, checkpoint, CheckpointLoadOptions.Exact);
        }
        else if (File.Exists(Path.Combine(folder, legacyFile)))
        {
            module.load(Path.Combine(folder, legacyFile)); // a checkpoint written before the networks were .pth
        }
        else
        {
            throw new InvalidDataException($"The training checkpoint '{folder}' has no {file}; it is damaged. Resume from an older checkpoint (edit '{LatestFile}' beside it) or train into a new run folder.");
        }
    }
}
