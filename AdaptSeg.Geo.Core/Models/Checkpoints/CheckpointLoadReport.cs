using System.Text;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>What <see cref="CheckpointLoader"/> did with each key.</summary>
/// <param name="Loaded">Model keys whose values were copied from the checkpoint, in the model's order.</param>
/// <param name="Skipped">Model keys present in the checkpoint but deliberately not loaded (a head with another class count).</param>
/// <param name="Missing">Model keys the checkpoint does not have: they keep their current values.</param>
/// <param name="Unexpected">Checkpoint keys (after prefix stripping) the model does not have.</param>
public sealed record CheckpointLoadReport(
    IReadOnlyList<string> Loaded,
    IReadOnlyList<SkippedKey> Skipped,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected)
{
    /// <summary>True when every model key was loaded and the checkpoint had nothing more.</summary>
    public bool IsComplete => Skipped.Count == 0 && Missing.Count == 0 && Unexpected.Count == 0;

    /// <summary>A few lines for a log: counts, every skip with its reason, and the first missing and unexpected keys.</summary>
    public string Describe(int maxListed = 10)
    {
        var text = new StringBuilder();
        text.AppendLine($"loaded {Loaded.Count}, skipped {Skipped.Count}, missing {Missing.Count}, unexpected {Unexpected.Count}");
        foreach (SkippedKey s in Skipped)
        {
            text.AppendLine($"  skipped {s.Key}: {s.Reason}");
        }

        AppendList(text, "missing", Missing, maxListed);
        AppendList(text, "unexpected", Unexpected, maxListed);
        return text.ToString();
    }

    private static void AppendList(StringBuilder text, string label, IReadOnlyList<string> keys, int maxListed)
    {
        if (keys.Count == 0)
        {
            return;
        }

        text.Append($"  {label}: {string.Join(", ", keys.Take(maxListed))}");
        text.AppendLine(keys.Count > maxListed ? $", ... ({keys.Count - maxListed} more)" : "");
    }
}
