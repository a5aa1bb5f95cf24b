using System.Text.Json;

namespace AdaptSeg.Geo.Training;

/// <summary>The per-iteration log, one JSON object a line (log.jsonl).</summary>
public static class TrainingLog
{
    /// <summary>One line of the log.</summary>
    public sealed record Entry(int Iteration, double SegAux, double SegMain, double AdvAux, double AdvMain, double DiscAux, double DiscMain, double LearningRate, double Seconds)
    {
        public StepLosses Losses => new(SegAux, SegMain, AdvAux, AdvMain, DiscAux, DiscMain);
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Formats an entry as one line.</summary>
    public static string Format(Entry entry) => JsonSerializer.Serialize(entry, Options);

    /// <summary>Reads the entries of a log (empty when it does not exist).</summary>
    public static List<Entry> Read(string path) => File.Exists(path)
        ? File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<Entry>(l, Options)!).ToList()
        : [];

    /// <summary>Keeps only the entries before <paramref name="nextIteration"/> (for a resumed run), atomically.</summary>
    public static List<Entry> TruncateTo(string path, int nextIteration)
    {
        var kept = Read(path).Where(e => e.Iteration < nextIteration).ToList();
        TrainingCheckpoint.WriteAtomically(path, string.Concat(kept.Select(e => Format(e) + "\n")));
        return kept;
    }
}
