using System.Text.Json;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// The per-iteration log, one JSON object a line (log.jsonl). A final line cut short (a crash or a
/// full disk mid-write) is tolerated and dropped when a resumed run rewrites the log; a damaged
/// line before the end is an error naming the line.
/// </summary>
public static class TrainingLog
{
    /// <summary>
    /// One line of the log: the six AdaptSegNet losses, the learning rate and the seconds of the
    /// iteration, then the entropy term and the target segmentation loss on pseudo-labels (0 when
    /// off; absent in logs of older builds, read as 0), and on the last iteration before each
    /// checkpoint the class shares (<see cref="Shares"/>; absent on other lines and in older logs).
    /// </summary>
    public sealed record Entry(int Iteration, double SegAux, double SegMain, double AdvAux, double AdvMain, double DiscAux, double DiscMain, double LearningRate, double Seconds,
        double EntAux = 0, double EntMain = 0, double TargetSegAux = 0, double TargetSegMain = 0,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] Shares? ClassShares = null)
    {
        /// <summary>The iteration's losses.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public StepLosses Losses => new(SegAux, SegMain, AdvAux, AdvMain, DiscAux, DiscMain, EntAux, EntMain, TargetSegAux, TargetSegMain);
    }

    /// <summary>
    /// What training showed of the classes, without target labels, from iteration
    /// <see cref="FromIteration"/> to the line's iteration: the share of each class (label order,
    /// fractions) in the source labels of the tiles sampled and in the main head's argmax on the
    /// target tiles. <see cref="TargetFrom"/> says which target tiles: <see cref="FromTraining"/>,
    /// every target batch the steps forwarded (adapted methods, self-training); or
    /// <see cref="FromCheckpointBatch"/>, only the line's own target batch, through a forward without
    /// gradients (source-only training, which forwards no target tile; see
    /// <see cref="AdversarialTrainer.Step(int, IReadOnlyList{Data.TrainingBatch}, bool, out ClassCounts)"/>).
    /// A target share far from the source's and moving toward it as training goes on is what
    /// output-space alignment does when the classes are shared differently in the two domains.
    /// </summary>
    public sealed record Shares(int FromIteration, long SourcePixels, IReadOnlyList<double> Source, long TargetPixels, IReadOnlyList<double> Target, string TargetFrom)
    {
        /// <summary>Every target batch the steps forwarded since <see cref="FromIteration"/>.</summary>
        public const string FromTraining = "training";

        /// <summary>Only the checkpoint iteration's target batch, forwarded without gradients.</summary>
        public const string FromCheckpointBatch = "checkpoint batch";

        /// <summary>The shares of the counts since <paramref name="fromIteration"/>, rounded to 1e-4.</summary>
        public static Shares From(int fromIteration, ClassCounts counts, bool targetFromTraining)
        {
            ArgumentNullException.ThrowIfNull(counts);
            return new Shares(fromIteration, counts.SourcePixels, Rounded(counts.SourceLabels), counts.TargetPixels, Rounded(counts.TargetPredicted),
                targetFromTraining ? FromTraining : FromCheckpointBatch);
        }

        private static double[] Rounded(IReadOnlyList<long> counts) => [.. Evaluation.ClassShares.Of(counts).Select(v => Math.Round(v, 4))];
    }

    // A diverged iteration's NaN or infinite losses are logged too ("NaN", "Infinity"), before the run stops.
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Formats an entry as one line.</summary>
    public static string Format(Entry entry) => JsonSerializer.Serialize(entry, Options);

    /// <summary>Reads the entries of a log (empty when it does not exist); a torn final line is skipped.</summary>
    public static List<Entry> Read(string path) => Read(path, out _);

    /// <summary>
    /// Reads the entries of a log; <paramref name="tornLine"/> is the final line when it was cut short
    /// (not a whole JSON object), else null.
    /// </summary>
    /// <exception cref="InvalidDataException">A line other than the last is not a log entry.</exception>
    public static List<Entry> Read(string path, out string? tornLine)
    {
        tornLine = null;
        var entries = new List<Entry>();
        if (!File.Exists(path))
        {
            return entries;
        }

        string[] lines = File.ReadAllLines(path);
        int last = Array.FindLastIndex(lines, l => l.Length > 0);
        for (int i = 0; i <= last; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            Entry? entry = null;
            try
            {
                entry = JsonSerializer.Deserialize<Entry>(lines[i], Options);
            }
            catch (JsonException) when (i == last)
            {
                tornLine = lines[i];
                break;
            }
            catch (JsonException e)
            {
                throw new InvalidDataException(
                    $"Line {i + 1} of the training log '{path}' is damaged ({e.Message}); only a cut-short last line can be dropped. Move the log aside (or start over: TrainingRunRequest.Restart).", e);
            }

            entries.Add(entry ?? throw new InvalidDataException($"Line {i + 1} of the training log '{path}' is null; move the log aside (or start over: TrainingRunRequest.Restart)."));
        }

        return entries;
    }

    /// <summary>
    /// Keeps only the entries before <paramref name="nextIteration"/> (for a resumed run), atomically;
    /// a torn final line goes too.
    /// </summary>
    public static List<Entry> TruncateTo(string path, int nextIteration)
    {
        var kept = Read(path).Where(e => e.Iteration < nextIteration).ToList();
        Runtime.AtomicFile.WriteAllText(path, string.Concat(kept.Select(e => Format(e) + "\n")));
        return kept;
    }
}
