using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// Copies a checkpoint's state dict into any module's state dict (parameters and buffers), with a report of
/// what was loaded, skipped, missing and unexpected. Works on names and shapes; values are converted to the
/// model's dtype and device.
/// </summary>
public static class CheckpointLoader
{
    /// <summary>Loads <paramref name="checkpoint"/>'s state dict into <paramref name="module"/>.</summary>
    /// <exception cref="CheckpointException">A shape differs outside a skippable head, or (strict) keys are missing or unexpected; nothing is copied then.</exception>
    public static CheckpointLoadReport Load(nn.Module module, Checkpoint checkpoint, CheckpointLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return LoadInto(StateDict.FromModule(module), checkpoint.StateDict, options, checkpoint.Path);
    }

    /// <summary>Loads <paramref name="source"/> into <paramref name="module"/>.</summary>
    public static CheckpointLoadReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> source, CheckpointLoadOptions? options = null) =>
        LoadInto(StateDict.FromModule(module), source, options);

    /// <summary>
    /// Copies <paramref name="source"/> into the tensors of <paramref name="target"/> (a module's state dict:
    /// its tensors are the module's own). All checks run before anything is copied.
    /// </summary>
    /// <param name="sourceName">Named in error messages (the checkpoint file), or null.</param>
    public static CheckpointLoadReport LoadInto(
        IReadOnlyDictionary<string, Tensor> target,
        IReadOnlyDictionary<string, Tensor> source,
        CheckpointLoadOptions? options = null,
        string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        var (report, mapping) = PlanCore(
            target.Select(kv => (kv.Key, kv.Value.shape)).ToList(),
            source.Select(kv => (kv.Key, kv.Value.shape)).ToList(),
            options ?? CheckpointLoadOptions.Default,
            sourceName);

        using var noGrad = torch.no_grad();
        foreach (string key in report.Loaded)
        {
            target[key].copy_(source[mapping[key]]);
        }

        return report;
    }

    /// <summary>
    /// What <see cref="LoadInto"/> would do, from names and shapes only (no tensors needed): for checking a
    /// checkpoint against a model configuration before building the model.
    /// </summary>
    public static CheckpointLoadReport Plan(
        IEnumerable<(string Key, long[] Shape)> target,
        IEnumerable<(string Key, long[] Shape)> source,
        CheckpointLoadOptions? options = null,
        string? sourceName = null) =>
        PlanCore(target.ToList(), source.ToList(), options ?? CheckpointLoadOptions.Default, sourceName).Report;

    private static (CheckpointLoadReport Report, Dictionary<string, string> Mapping) PlanCore(
        List<(string Key, long[] Shape)> target,
        List<(string Key, long[] Shape)> source,
        CheckpointLoadOptions options,
        string? sourceName)
    {
        string from = sourceName is null ? "the checkpoint" : sourceName;
        var sourceByKey = new Dictionary<string, (string Original, long[] Shape)>(StringComparer.Ordinal);
        foreach (var (key, shape) in source)
        {
            string stripped = options.StripPrefix is { Length: > 0 } p && key.StartsWith(p, StringComparison.Ordinal) ? key[p.Length..] : key;
            if (!sourceByKey.TryAdd(stripped, (key, shape)))
            {
                throw new CheckpointException($"{from}: the keys '{sourceByKey[stripped].Original}' and '{key}' both map to '{stripped}' after stripping '{options.StripPrefix}'.");
            }
        }

        var loaded = new List<string>();
        var skipped = new List<SkippedKey>();
        var missing = new List<string>();
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        var mismatches = new List<string>();
        var targetKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, shape) in target)
        {
            targetKeys.Add(key);
            if (!sourceByKey.TryGetValue(key, out var found))
            {
                missing.Add(key);
                continue;
            }

            if (shape.SequenceEqual(found.Shape))
            {
                loaded.Add(key);
                mapping[key] = found.Original;
                continue;
            }

            bool head = options.HeadPrefixes.Any(h => key.StartsWith(h, StringComparison.Ordinal));
            bool onlyClassCount = shape.Length == found.Shape.Length && shape.Length > 0
                && shape[0] != found.Shape[0] && shape.Skip(1).SequenceEqual(found.Shape.Skip(1));
            if (head && onlyClassCount && options.SkipMismatchedHeads)
            {
                skipped.Add(new SkippedKey(key,
                    $"class count differs: the checkpoint's head has {found.Shape[0]} outputs, the model's {shape[0]}; kept the model's initialisation (as the reference does when the class count changes)"));
                continue;
            }

            string hint = head && onlyClassCount
                ? " The checkpoint was trained for another class count: allow skipping mismatched heads to start the head from scratch."
                : " The checkpoint was made for a different architecture or class count.";
            mismatches.Add($"'{key}': checkpoint [{string.Join(", ", found.Shape)}] vs model [{string.Join(", ", shape)}].{hint}");
        }

        if (mismatches.Count > 0)
        {
            throw new CheckpointException($"{from}: {mismatches.Count} tensor shape(s) do not fit the model: " + string.Join(" ", mismatches.Take(5)) +
                (mismatches.Count > 5 ? $" ... ({mismatches.Count - 5} more)" : ""));
        }

        var unexpected = sourceByKey.Keys.Where(k => !targetKeys.Contains(k)).ToList();
        var report = new CheckpointLoadReport(loaded, skipped, missing, unexpected);
        // Like PyTorch's BatchNorm loading of pre-0.4.1 checkpoints: an absent num_batches_tracked keeps its value, even when strict.
        if (options.Strict && (missing.Any(k => !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)) || unexpected.Count > 0))
        {
            throw new CheckpointException($"{from}: does not match the model exactly (strict load): {report.Describe().TrimEnd()}");
        }

        return (report, mapping);
    }
}
