using System.Text.Json;
using AdaptSeg.Geo.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// A resumable training checkpoint: a folder holding the network, the discriminators, every
/// optimiser state, torch's RNG state, the iteration reached and the effective configuration.
/// It is written to <c>NAME.partial</c> and renamed when complete, so a crash or Ctrl+C never
/// leaves a half-written checkpoint; <c>latest</c> names the newest complete one.
/// </summary>
public static class TrainingCheckpoint
{
    private const string LatestFile = "latest";
    private const string StateFile = "state.json";

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
        network.Module.save(Path.Combine(partial, "network.dat"));
        for (int i = 0; i < discriminators.Count; i++)
        {
            discriminators[i].save(Path.Combine(partial, $"discriminator-{i}.dat"));
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
        WriteAtomically(Path.Combine(checkpointsFolder, LatestFile), Path.GetFileName(final));
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
        network.Module.load(Path.Combine(folder, "network.dat"));
        for (int i = 0; i < discriminators.Count; i++)
        {
            discriminators[i].load(Path.Combine(folder, $"discriminator-{i}.dat"));
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

    /// <summary>Writes text to a temporary file and renames it over <paramref name="path"/>.</summary>
    public static void WriteAtomically(string path, string text)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private static void Prune(string checkpointsFolder, int keep)
    {
        var complete = Directory.GetDirectories(checkpointsFolder, "iter-*")
            .Where(d => !d.EndsWith(".partial", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (string old in complete.Take(Math.Max(0, complete.Count - keep)))
        {
            Directory.Delete(old, recursive: true);
        }
    }
}
