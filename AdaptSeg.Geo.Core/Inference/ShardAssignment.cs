using System.Globalization;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Which shard this process runs: K of N. Given explicitly (<c>K/N</c>) or, only when asked
/// (<see cref="FromEnvironment"/>), taken from the array index a scheduler sets: Slurm's
/// <c>SLURM_ARRAY_TASK_ID</c>, or Kubernetes' <c>JOB_COMPLETION_INDEX</c> (Indexed Jobs). K is the
/// index itself, never counted from the array's start: a re-run of failed tasks
/// (<c>sbatch --array=5</c>, <c>--array=3,5</c>) then recomputes exactly shards 5 (and 3), where
/// <c>SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN</c> would give 0 (and 2).
/// </summary>
/// <param name="Index">K, 0-based.</param>
/// <param name="Count">N.</param>
public sealed record ShardAssignment(int Index, int Count)
{
    /// <summary>Parses <c>K/N</c> (K from 0 to N-1); throws naming the text and the rule.</summary>
    public static ShardAssignment Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index < count)
        {
            return new ShardAssignment(index, count);
        }

        throw new ArgumentException($"ShardAssignment.Parse '{text}': not K/N with N at least 1 and K from 0 to N-1 (for example 0/4), nor 'auto'.");
    }

    /// <summary>
    /// K from the scheduler's environment (see the type's remarks), N from <paramref name="count"/>.
    /// Throws when no array index is set or it falls outside 0..N-1, naming the variables.
    /// </summary>
    public static ShardAssignment FromEnvironment(int count, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (count < 1)
        {
            throw new ArgumentException($"ShardAssignment.FromEnvironment count {count}: give the number of shards (at least 1).");
        }

        int index;
        string source;
        if (environment("SLURM_ARRAY_TASK_ID") is { } id)
        {
            // Not relative to SLURM_ARRAY_TASK_MIN/STEP: those describe the submission, so a re-run of
            // one task (--array=5) has MIN 5 and would recompute shard 0.
            index = Number("SLURM_ARRAY_TASK_ID", id);
            source = $"SLURM_ARRAY_TASK_ID {index}";
        }
        else if (environment("JOB_COMPLETION_INDEX") is { } completion)
        {
            index = Number("JOB_COMPLETION_INDEX", completion);
            source = $"JOB_COMPLETION_INDEX {index}";
        }
        else
        {
            throw new ArgumentException("ShardAssignment.FromEnvironment needs SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); neither is set. Give the shard as ShardAssignment.Parse K/N instead.");
        }

        if (index < 0 || index >= count)
        {
            throw new ArgumentException(
                $"{source} gives shard {index}, outside 0..{count - 1} for ShardAssignment.FromEnvironment count {count}: the array index is the shard number. " +
                $"Submit the array as --array=0-{count - 1} (Kubernetes: completions: {count}); re-run failed shards by their numbers, e.g. --array=5 or --array=3,5.");
        }

        return new ShardAssignment(index, count);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";

    private static int Number(string name, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new ArgumentException($"{name}='{value}' is not an integer.");
}
